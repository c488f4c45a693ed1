package dev.ftcp.micrometer;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;

/**
 * The meters one binder registered, per registry, so that they can be removed again. Guarded by
 * its own lock; {@link #registries()} is a snapshot readable without it.
 */
final class Bindings {

  private final List<Meter> meters = new ArrayList<>();
  private volatile List<MeterRegistry> registries = List.of();
  private boolean closed;

  /**
   * Registers the meters {@code register} makes in {@code registry}, and remembers them; does
   * nothing for a registry already bound.
   *
   * @throws IllegalStateException when closed
   */
  synchronized void bind(MeterRegistry registry, Function<MeterRegistry, List<Meter>> register) {
    Objects.requireNonNull(registry, "registry");
    if (closed) {
      throw new IllegalStateException("the meters were closed");
    }
    if (registries.contains(registry)) {
      return;
    }
    meters.addAll(register.apply(registry));
    List<MeterRegistry> more = new ArrayList<>(registries);
    more.add(registry);
    registries = List.copyOf(more);
  }

  /** The registries bound so far, none once closed. */
  List<MeterRegistry> registries() {
    return registries;
  }

  /**
   * Registers one more meter in a registry already bound, unless closed.
   *
   * @return the meter, or null when closed
   */
  synchronized <M extends Meter> M add(MeterRegistry registry, Function<MeterRegistry, M> register) {
    if (closed) {
      return null;
    }
    M meter = register.apply(registry);
    meters.add(meter);
    return meter;
  }

  /** Removes every meter from every registry; idempotent. */
  synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    for (MeterRegistry registry : registries) {
      for (Meter meter : meters) {
        registry.remove(meter);
      }
    }
    meters.clear();
    registries = List.of();
  }
}
