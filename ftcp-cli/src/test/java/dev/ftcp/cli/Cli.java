package dev.ftcp.cli;

import static org.awaitility.Awaitility.await;

import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine;

/**
 * Runs one {@code ftcp} command line in this JVM, as {@link Main#main} would, with standard
 * output, error and input captured. Output may be read while the command runs.
 */
final class Cli {
  private static final Pattern LISTENING = Pattern.compile("listening on (\\S+)");

  private final Main main;
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();
  private CompletableFuture<Integer> running;

  Cli() {
    this("");
  }

  /** @param stdin what the command reads as standard input */
  Cli(String stdin) {
    main = new Main(new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)), false);
  }

  /** Runs the command line to its end and returns the exit code. */
  int run(String... args) {
    return commandLine().execute(args);
  }

  /** Starts the command line on another thread. */
  Cli start(String... args) {
    CommandLine cl = commandLine();
    running = CompletableFuture.supplyAsync(() -> cl.execute(args), runnable -> {
      Thread t = new Thread(runnable, "cli " + String.join(" ", args));
      t.setDaemon(true);
      t.start();
    });
    return this;
  }

  /** Starts {@code ftcp listen 127.0.0.1:0 EXTRA...} and returns once it listens. */
  static Cli listen(String... extra) {
    String[] args = new String[extra.length + 2];
    args[0] = "listen";
    args[1] = "127.0.0.1:0";
    System.arraycopy(extra, 0, args, 2, extra.length);
    Cli cli = new Cli().start(args);
    cli.address(); // waits for it
    return cli;
  }

  /** The address a started {@code listen} printed, waiting for it. */
  String address() {
    await("the 'listening on' line").atMost(Duration.ofSeconds(10))
        .until(() -> LISTENING.matcher(out()).find() || running.isDone());
    Matcher m = LISTENING.matcher(out());
    if (!m.find()) {
      throw new AssertionError("listen ended without listening: exit " + running.join()
          + ", stderr: " + err());
    }
    return m.group(1);
  }

  /** Asks a started command to stop, as Ctrl-C does, and returns its exit code. */
  int stop() throws Exception {
    main.requestStop();
    return exitCode();
  }

  /** The exit code of a started command, waiting for it to end. */
  int exitCode() throws Exception {
    try {
      return running.get(15, TimeUnit.SECONDS);
    } catch (TimeoutException e) {
      throw new AssertionError("the command did not end within 15 s; stdout:\n" + out()
          + "\nstderr:\n" + err() + "\nthreads:\n" + threadDump(), e);
    }
  }

  /** Every thread's stack, to show where a command that does not end is stuck. */
  static String threadDump() {
    StringBuilder b = new StringBuilder();
    Thread.getAllStackTraces().forEach((t, stack) -> {
      b.append('"').append(t.getName()).append("\" ").append(t.getState()).append('\n');
      for (StackTraceElement e : stack) {
        b.append("    at ").append(e).append('\n');
      }
    });
    return b.toString();
  }

  String out() {
    return out.toString();
  }

  String err() {
    return err.toString();
  }

  private CommandLine commandLine() {
    CommandLine cl = main.commandLine();
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(err, true));
    return cl;
  }
}
