package dev.ftcp.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.Timeout.ThreadMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * The runnable jar, as a user runs it: {@code java -jar ftcp-cli.jar ...} in separate processes.
 * Runs in the integration-test phase, after the jar is built (failsafe); the jar's path comes
 * from the {@code ftcp.cli.jar} system property.
 */
// A separate thread, so that a process that never answers fails the test instead of hanging it.
@Timeout(value = 120, threadMode = ThreadMode.SEPARATE_THREAD)
class FtcpJarIT {
  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final Pattern LISTENING =
      Pattern.compile("listening on (\\S+) \\(TCP\\), echoing");

  private static Path jar;
  @TempDir Path tmp;
  private final List<Process> started = new ArrayList<>();

  @BeforeAll
  static void findJar() {
    String path = System.getProperty("ftcp.cli.jar");
    assertThat(path).as("system property ftcp.cli.jar (set by failsafe)").isNotNull();
    jar = Path.of(path);
    assertThat(jar).isRegularFile();
  }

  @AfterEach
  void killLeftovers() throws InterruptedException {
    for (Process p : started) {
      p.destroyForcibly();
      p.waitFor(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void requestAndSendAgainstListenEcho() throws Exception {
    Process listen = start("listen", "127.0.0.1:0", "--echo");
    Queue<String> listenOut = linesOf(listen);
    await("listen's first line").atMost(WAIT)
        .until(() -> !listenOut.isEmpty() || !listen.isAlive());
    Matcher m = LISTENING.matcher(String.valueOf(listenOut.peek()));
    assertThat(m.find()).as("first line of listen: %s", listenOut.peek()).isTrue();
    String address = m.group(1);

    // Two cold JVMs on a busy machine: the first request may take seconds to load its classes.
    Result request = run("request", address, "hello from another process", "--timeout", "20s");
    assertThat(request.exit).as(request.err).isZero();
    assertThat(request.out).isEqualTo("hello from another process\n");
    assertThat(request.err).isEmpty();

    Result send = run("send", address, "one", "two");
    assertThat(send.exit).as(send.err).isZero();
    assertThat(send.out).isEqualTo("sent 2 messages (6 bytes) to " + address + "\n");

    await("listen printing what it received").atMost(WAIT).untilAsserted(() -> assertThat(
        String.join("\n", listenOut))
        .contains("size=26 \"hello from another process\"")
        .contains("id=1 repId=0 size=3 \"one\"")
        .contains("id=2 repId=0 size=3 \"two\""));

    // SIGTERM, as Ctrl-C: the shutdown hook closes the listener and the JVM ends.
    listen.destroy();
    assertThat(listen.waitFor(30, TimeUnit.SECONDS)).as("listen ended after SIGTERM").isTrue();
  }

  @Test
  void failedOperationAndBadUsageExitCodes() throws Exception {
    Result refused = run("request", "127.0.0.1:1", "hi");
    assertThat(refused.exit).isEqualTo(1);
    assertThat(refused.err.lines()).hasSize(1).first().asString()
        .isEqualTo("ftcp request: connection refused by 127.0.0.1:1");

    Result usage = run("request", "127.0.0.1:1");
    assertThat(usage.exit).isEqualTo(2);
    assertThat(usage.err.lines()).hasSize(1);
  }

  @Test
  void demoRunsFromTheJar() throws Exception {
    Result demo = run("demo");
    assertThat(demo.exit).as(demo.err).isZero();
    assertThat(demo.out).contains("server received all 5, in order")
        .contains("client read 400 messages: 1..400, each once and in order").contains("done:");
    // Quiet by default: no log lines, no native-access warnings from the JVM.
    assertThat(demo.err).isEmpty();
  }

  private record Result(int exit, String out, String err) {}

  /** Runs the jar to its end; its output goes to files, so no pipe can fill and stall it. */
  private Result run(String... args) throws Exception {
    Path out = Files.createTempFile(tmp, "out", ".txt");
    Path err = Files.createTempFile(tmp, "err", ".txt");
    Process p = start(new ProcessBuilder().redirectOutput(out.toFile()).redirectError(err.toFile()),
        args);
    assertThat(p.waitFor(WAIT.toSeconds(), TimeUnit.SECONDS))
        .as("ftcp %s ended", String.join(" ", args)).isTrue();
    return new Result(p.exitValue(), Files.readString(out), Files.readString(err));
  }

  private Process start(String... args) throws IOException {
    return start(new ProcessBuilder(), args);
  }

  private Process start(ProcessBuilder builder, String... args) throws IOException {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> command = new ArrayList<>(List.of(java, "-jar", jar.toString()));
    command.addAll(List.of(args));
    Process p = builder.command(command).start();
    started.add(p);
    return p;
  }

  /** Collects a process's standard output, line by line, as it comes. */
  private static Queue<String> linesOf(Process p) {
    Queue<String> lines = new ConcurrentLinkedQueue<>();
    Thread t = new Thread(() -> {
      try (BufferedReader r = new BufferedReader(
          new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
        for (String line = r.readLine(); line != null; line = r.readLine()) {
          lines.add(line);
        }
      } catch (IOException e) {
        // the process ended
      }
    }, "stdout of " + p.pid());
    t.setDaemon(true);
    t.start();
    return lines;
  }
}
