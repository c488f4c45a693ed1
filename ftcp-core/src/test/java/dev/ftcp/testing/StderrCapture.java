package dev.ftcp.testing;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/**
 * What was printed to {@code System.err} while some code ran, so that a test which provokes a
 * warning on purpose asserts it instead of leaving it in the build's output.
 *
 * <p>slf4j-simple, the tests' logger, looks up {@code System.err} on every message (unless told
 * to cache it), so a library warning logged while the code runs, on any thread, is captured.
 * Everything else printed to {@code System.err} meanwhile is captured too: keep the captured
 * code short. Meant for tests run one at a time; not for concurrent use.
 */
public final class StderrCapture {
  /** Code that may throw, like a test body. */
  @FunctionalInterface
  public interface Body {
    void run() throws Exception;
  }

  private StderrCapture() {}

  /**
   * Runs {@code body} and returns what it printed to {@code System.err}; rethrows what it
   * threw, after restoring {@code System.err}.
   */
  public static String of(Body body) throws Exception {
    PrintStream saved = System.err;
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    System.setErr(new PrintStream(bytes, true, StandardCharsets.UTF_8));
    try {
      body.run();
    } finally {
      System.setErr(saved);
    }
    return bytes.toString(StandardCharsets.UTF_8);
  }
}
