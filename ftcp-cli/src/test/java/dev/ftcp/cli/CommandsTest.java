package dev.ftcp.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Every command driven in this JVM against real connections on loopback: what it prints, and
 * its exit code.
 */
@Timeout(60)
class CommandsTest {
  private static final Duration WAIT = Duration.ofSeconds(10);

  @Test
  void listenPrintsWhatSendSends() throws Exception {
    Cli listen = Cli.listen();
    Cli send = new Cli();
    assertThat(send.run("send", listen.address(), "hello", "wörld", "")).isZero();
    assertThat(send.out()).isEqualTo("sent 3 messages (11 bytes) to " + listen.address() + "\n");
    assertThat(send.err()).isEmpty();

    await().atMost(WAIT).untilAsserted(() -> assertThat(listen.out())
        .contains("id=1 repId=0 size=5 \"hello\"")
        .contains("id=2 repId=0 size=6 \"wörld\"")
        .contains("id=3 repId=0 size=0 \"\"")
        .containsPattern("127\\.0\\.0\\.1:\\d+ closed.* after 3 messages\n"));
    assertThat(listen.out()).startsWith("listening on 127.0.0.1:").contains(" (TCP)\n");
    assertThat(listen.stop()).isZero();
    assertThat(listen.err()).isEmpty();
  }

  @Test
  void sendWithoutTextSendsEachLineOfStandardInput() throws Exception {
    Cli listen = Cli.listen();
    Cli send = new Cli("first line\r\nsecond line\n\nlast, no newline");
    assertThat(send.run("send", listen.address())).isZero();
    assertThat(send.out()).startsWith("sent 4 messages (37 bytes)");
    await().atMost(WAIT).untilAsserted(() -> assertThat(listen.out())
        .contains("size=10 \"first line\"", "size=11 \"second line\"", "size=0 \"\"",
            "size=16 \"last, no newline\""));
    assertThat(listen.stop()).isZero();
  }

  @Test
  void requestPrintsTheEchoedReply() throws Exception {
    Cli listen = Cli.listen("--echo");
    assertThat(listen.out()).contains("(TCP), echoing");
    Cli request = new Cli();
    assertThat(request.run("request", listen.address(), "are you there?")).isZero();
    assertThat(request.out()).isEqualTo("are you there?\n");
    assertThat(request.err()).isEmpty();
    assertThat(listen.stop()).isZero();
  }

  /**
   * send closes its connection right after writing, while the echoes of what it sent may be
   * arriving: that close must not cost the peer the messages sent before it.
   */
  @Test
  void sendToAnEchoingListenDeliversEverything() throws Exception {
    Cli listen = Cli.listen("--echo", "--quiet");
    int rounds = 20;
    for (int i = 0; i < rounds; i++) {
      Cli send = new Cli();
      assertThat(send.run("send", listen.address(), "one", "two")).as(send.err()).isZero();
    }
    await().atMost(WAIT).until(() -> listen.out().lines()
        .filter(l -> l.contains(" closed")).count() == rounds);
    assertThat(listen.out().lines().filter(l -> l.contains(" closed")))
        .allSatisfy(l -> assertThat(l).endsWith(" after 2 messages"));
    assertThat(listen.stop()).isZero();
  }

  @Test
  void requestWithoutAReplyFailsWithExitCode1() throws Exception {
    Cli listen = Cli.listen(); // does not echo
    Cli request = new Cli();
    assertThat(request.run("request", listen.address(), "anyone?", "--timeout", "200ms"))
        .isEqualTo(1);
    assertThat(request.err().lines())
        .containsExactly("ftcp request: no reply from " + listen.address() + " within 200.0 ms");
    assertThat(request.out()).isEmpty();
    assertThat(listen.stop()).isZero();
  }

  @Test
  void nothingListeningIsAFailedOperation() throws Exception {
    String address = "127.0.0.1:" + unusedPort();
    for (String[] args : new String[][] {
        {"send", address, "hi"}, {"request", address, "hi"}, {"bench", address, "-d", "100ms"}}) {
      Cli cli = new Cli();
      assertThat(cli.run(args)).as("%s", String.join(" ", args)).isEqualTo(1);
      assertThat(cli.err().lines()).as(cli.err()).hasSize(1)
          .allSatisfy(line -> assertThat(line)
              .isEqualTo("ftcp " + args[0] + ": connection refused by " + address));
    }
  }

  @Test
  void verboseAddsTheStackTrace() throws Exception {
    Cli cli = new Cli();
    assertThat(cli.run("send", "127.0.0.1:" + unusedPort(), "hi", "--verbose")).isEqualTo(1);
    assertThat(cli.err()).contains("connection refused by").contains("\tat dev.ftcp.");
    assertThat(cli.err().lines().count()).isGreaterThan(3);
  }

  @Test
  void anAddressThatDoesNotParseIsBadUsage() {
    Cli cli = new Cli();
    assertThat(cli.run("send", "no-port-here", "hi")).isEqualTo(2);
    assertThat(cli.err().lines()).hasSize(1).first().asString()
        .startsWith("ftcp send: ").contains("no-port-here").endsWith("(see 'ftcp send --help')");
  }

  @Test
  void listenOnABusyPortFails() throws Exception {
    Cli first = Cli.listen();
    Cli second = new Cli();
    assertThat(second.run("listen", first.address())).isEqualTo(1);
    assertThat(second.err().lines()).hasSize(1).first().asString()
        .startsWith("ftcp listen: cannot listen on " + first.address() + ": ");
    assertThat(first.stop()).isZero();
  }

  @Test
  void listenStopsCleanlyWithConnectionsOpen() throws Exception {
    Cli listen = Cli.listen();
    Cli bench = new Cli().start("bench", listen.address(), "--mode", "throughput", "-d", "30s");
    await().atMost(WAIT).until(() -> listen.out().contains(" connected"));
    assertThat(listen.stop()).isZero();
    assertThat(listen.out())
        .containsPattern("127\\.0\\.0\\.1:\\d+ closed.* after \\d+ messages?\n");
    bench.stop();
  }

  @Test
  void benchAgainstAnEchoMeasuresThroughputAndLatency() throws Exception {
    Cli listen = Cli.listen("--echo", "--quiet");
    Cli bench = new Cli();
    assertThat(bench.run("bench", listen.address(), "-d", "500ms", "--interval", "100ms",
        "--size", "100", "--warmup", "200ms")).isZero();
    assertThat(bench.out())
        .containsPattern("throughput: 100-byte messages to 127\\.0\\.0\\.1:\\d+ for ")
        .containsPattern("sent +[\\d,]+ messages +[\\d,]+ msgs/s +[\\d.]+ MB/s of payload")
        .containsPattern("echoed +[\\d,]+ messages")
        .containsPattern("latency: request/reply, one in flight, 100-byte payloads: [\\d,]+ ")
        .containsPattern("p50 \\S+ \\S+  p90 \\S+ \\S+  p99 \\S+ \\S+  p99.9 \\S+ \\S+  max ");
    // Progress lines, one per interval, as standard error is not a terminal here.
    assertThat(bench.err()).containsPattern("\\d+\\.\\d s +[\\d,]+ msgs/s");
    assertThat(listen.stop()).isZero();
    assertThat(listen.out()).doesNotContain("id=").contains(" connected");
  }

  @Test
  void benchSkipsLatencyWhenThePeerDoesNotEcho() throws Exception {
    Cli listen = Cli.listen("--quiet");
    Cli bench = new Cli();
    assertThat(bench.run("bench", listen.address(), "-d", "200ms", "--warmup", "0s")).isZero();
    assertThat(bench.out()).contains("echoed  none (the peer does not echo)")
        .contains("latency: skipped, the peer did not answer a request within 1.00 s");

    Cli latencyOnly = new Cli();
    assertThat(latencyOnly.run("bench", listen.address(), "--mode", "latency", "-d", "200ms"))
        .isEqualTo(1);
    assertThat(latencyOnly.err().lines()).hasSize(1).first().asString()
        .startsWith("ftcp bench: cannot measure latency: the peer did not answer");
    assertThat(listen.stop()).isZero();
  }

  @Test
  void demoTellsTheWholeStoryAndExits0() {
    Cli demo = new Cli();
    assertThat(demo.run("demo")).as(demo.err()).isZero();
    assertThat(demo.out())
        .contains("server listening on 127.0.0.1:")
        .contains("client asked \"ping\", server answered \"pong ping\" (repId 1)")
        .containsPattern("200 more, one at a time: median round trip \\d")
        .contains("each got its own: \"pong a\", \"pong b\", \"pong c\"")
        .contains("reader A got \"news 1\", \"news 2\"")
        .contains("reader B got \"news 1\", \"news 2\"")
        .contains("client saw the link break")
        .containsPattern("client redialed after \\d+ attempts?, ")
        .contains("server received all 5, in order")
        .containsPattern("client: sent 209 \\(\\d+ bytes\\), received 206 \\(\\d+ bytes\\),"
            + " redials 1, queued 0, discarded 0")
        .containsPattern("server: sent 0 \\(0 bytes\\), received 5 \\(\\d+ bytes\\), redials 0")
        .contains("each side wrote messages 1..200, and the relay cut the link")
        .contains("the server's connection stays open (isOpen true)")
        .containsPattern("with the link down, each side wrote 201..400: not yet acknowledged,"
            + " client \\d+, server \\d+")
        .contains("the session resumed (resumed(conn) on both sides)")
        .contains("server read 400 messages: 1..400, each once and in order, then nothing more")
        .contains("client read 400 messages: 1..400, each once and in order, then nothing more")
        .containsPattern("stats: resumes client 1, server 1; messagesResent client \\d+,"
            + " server \\d+ \\(not received before")
        .contains("done: every message arrived");
    assertThat(demo.err()).isEmpty();
  }

  /** A port nothing listens on: one the system just handed out and took back. */
  private static int unusedPort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }
}
