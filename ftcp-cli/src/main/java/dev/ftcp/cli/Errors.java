package dev.ftcp.cli;

import java.io.IOException;
import java.util.HashSet;
import java.util.Set;

/** Turns an exception into the one line a user reads. Stateless. */
final class Errors {
  private Errors() {}

  /**
   * One line naming the problem: the command's own words for a {@link Failure}, the exception's
   * message and the message of its root cause for I/O errors, and the class too for anything
   * else, which would be a bug.
   */
  static String describe(Throwable e) {
    if (e instanceof Failure) {
      return e.getMessage();
    }
    String own = message(e);
    String root = message(rootCause(e));
    String line = root.equals(own) || own.contains(root) ? own : own + ": " + root;
    if (e instanceof IOException) {
      return line;
    }
    return "unexpected " + e.getClass().getName() + ": " + line + " (--verbose shows where)";
  }

  /** The innermost cause, guarding against cycles. */
  static Throwable rootCause(Throwable e) {
    Set<Throwable> seen = new HashSet<>();
    Throwable t = e;
    while (t.getCause() != null && seen.add(t)) {
      t = t.getCause();
    }
    return t;
  }

  /** The message of {@code e}, or its simple class name when it has none. */
  static String message(Throwable e) {
    String m = e.getMessage();
    return m == null || m.isBlank() ? e.getClass().getSimpleName() : m;
  }
}
