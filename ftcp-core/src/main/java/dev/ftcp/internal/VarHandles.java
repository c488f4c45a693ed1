package dev.ftcp.internal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * Finds the {@link VarHandle} of a field of the calling class, for the lock-free fields that
 * ftcp keeps instead of {@code Atomic*} objects (one object less each, per connection). A field
 * that is not there is a build mistake, reported as the class's initialization error.
 */
public final class VarHandles {
  private VarHandles() {}

  /** The handle of {@code lookup}'s class's field {@code name} of type {@code type}. */
  public static VarHandle field(MethodHandles.Lookup lookup, String name, Class<?> type) {
    try {
      return lookup.findVarHandle(lookup.lookupClass(), name, type);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }
}
