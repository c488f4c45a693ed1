package dev.ftcp.testing;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An ftcp server in a child JVM ({@link ServerProcessMain}), started with the JVM options a test
 * gives (a small {@code -Xmx}, say) and asked for figures one command at a time. The child runs
 * the test's own classes and dependencies on its class path; its standard error goes to a file
 * under {@code target/}, quoted when something fails.
 *
 * <p>Not thread-safe: one test thread drives it. Every answer is awaited at most
 * {@link #ANSWER_TIMEOUT}, so a stuck child fails the test instead of hanging it.
 */
public final class ServerProcess implements AutoCloseable {
  public static final Duration ANSWER_TIMEOUT = Duration.ofSeconds(90);
  private static final String END = "\u0000end of output";
  private static final AtomicInteger IDS = new AtomicInteger();

  private final Process process;
  private final Path log;
  private final PrintWriter commands;
  private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
  private final int port;

  private ServerProcess(Process process, Path log) throws IOException {
    this.process = process;
    this.log = log;
    this.commands = new PrintWriter(process.getOutputStream(), true, StandardCharsets.UTF_8);
    Thread pump = new Thread(() -> {
      try (BufferedReader in = new BufferedReader(
          new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
        for (String line; (line = in.readLine()) != null; ) {
          lines.add(line);
        }
      } catch (IOException e) {
        // the child is gone: END says so
      } finally {
        lines.add(END);
      }
    }, "server-process-output");
    pump.setDaemon(true);
    pump.start();
    this.port = Math.toIntExact(answer("PORT").get("port"));
  }

  /**
   * Starts a child JVM with {@code jvmOptions} running {@link ServerProcessMain} with
   * {@code serverArgs} ({@code key=value}), and waits until it listens.
   */
  public static ServerProcess start(List<String> jvmOptions, List<String> serverArgs)
      throws IOException {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    // Under Surefire the library and its dependencies are on the module path and the tests on
    // the class path; the child puts everything on the class path, which needs no patching.
    String modulePath = System.getProperty("jdk.module.path", "");
    String classPath = System.getProperty("java.class.path");
    List<String> cmd = new ArrayList<>();
    cmd.add(java);
    cmd.addAll(jvmOptions);
    cmd.add("-cp");
    cmd.add(modulePath.isEmpty() ? classPath : modulePath + File.pathSeparator + classPath);
    cmd.add(ServerProcessMain.class.getName());
    cmd.addAll(serverArgs);
    Path target = Path.of(System.getProperty("basedir", System.getProperty("user.dir")), "target");
    Files.createDirectories(target);
    Path log = target.resolve("server-process-" + ProcessHandle.current().pid() + "-"
        + IDS.incrementAndGet() + ".log");
    Process p = new ProcessBuilder(cmd).redirectError(log.toFile()).start();
    try {
      return new ServerProcess(p, log);
    } catch (IOException | RuntimeException e) {
      p.destroyForcibly();
      throw e;
    }
  }

  public int port() {
    return port;
  }

  /** "127.0.0.1:port", for {@code Ftcp.dial}. */
  public String address() {
    return "127.0.0.1:" + port;
  }

  /**
   * Sends {@code command} and returns the numbers of its answer (see ServerProcessMain).
   *
   * @throws IOException when the child ended, did not answer in time, or answered otherwise
   */
  public Map<String, Long> ask(String command) throws IOException {
    commands.println(command);
    return answer(command.split(" ")[0]);
  }

  private Map<String, Long> answer(String expected) throws IOException {
    String line;
    try {
      line = lines.poll(ANSWER_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted waiting for the server process to answer " + expected);
    }
    if (line == null) {
      throw new IOException("the server process did not answer " + expected + " within "
          + ANSWER_TIMEOUT + diagnostics());
    }
    if (line.equals(END)) {
      lines.add(END);
      throw new IOException("the server process ended before answering " + expected
          + diagnostics());
    }
    if (expected.equals("PORT") && line.startsWith("PORT ")) {
      return Map.of("port", Long.parseLong(line.substring(5).trim()));
    }
    try {
      return parse(expected, line);
    } catch (RuntimeException e) {
      throw new IOException(e.getMessage() + diagnostics(), e);
    }
  }

  /** Parses {@code NAME k=v k=v} into its numbers. */
  private static Map<String, Long> parse(String expected, String line) {
    String[] parts = line.trim().split(" ");
    if (!parts[0].equals(expected)) {
      throw new IllegalStateException("expected " + expected + ", the server said: " + line);
    }
    Map<String, Long> values = new HashMap<>();
    for (int i = 1; i < parts.length; i++) {
      int eq = parts[i].indexOf('=');
      values.put(parts[i].substring(0, eq), Long.parseLong(parts[i].substring(eq + 1)));
    }
    return values;
  }

  /** The exit status (if it ended) and the end of the child's standard error. */
  public String diagnostics() {
    StringBuilder b = new StringBuilder();
    if (!process.isAlive()) {
      b.append("; it exited with status ").append(process.exitValue());
    }
    try {
      List<String> err = Files.readAllLines(log, StandardCharsets.UTF_8);
      if (!err.isEmpty()) {
        b.append("; its standard error (").append(log).append(") ends with:\n")
            .append(String.join("\n", err.subList(Math.max(0, err.size() - 30), err.size())));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return b.toString();
  }

  /** What the child wrote to standard error. */
  public String standardError() throws IOException {
    return Files.readString(log, StandardCharsets.UTF_8);
  }

  /**
   * Asks the child to quit and waits for it; returns its exit status (-1 when it had to be
   * killed).
   */
  public int quit() {
    commands.println("QUIT");
    try {
      if (process.waitFor(15, TimeUnit.SECONDS)) {
        return process.exitValue();
      }
      process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
    return -1;
  }

  @Override
  public void close() {
    if (process.isAlive()) {
      quit();
    }
  }
}
