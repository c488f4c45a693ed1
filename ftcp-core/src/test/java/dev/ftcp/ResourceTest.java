package dev.ftcp;

import dev.ftcp.testing.NettyLeakCheck;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.ftcp.testing.Pair;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** No thread, socket or connection outlives close(). */
@Timeout(60)
class ResourceTest {
  @RegisterExtension static final NettyLeakCheck LEAKS = new NettyLeakCheck();


  @Test
  void noThreadOrSocketOutlivesClose() throws Exception {
    // Before: no ftcp connection is open in this JVM at this point (tests run one at a time).
    await().atMost(Duration.ofSeconds(10)).until(() -> ioThreads() == 0);
    long socketsBefore = openSockets();

    List<Pair> pairs = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      Pair p = Pair.open();
      try (Reader r = p.server.reader()) {
        p.client.write(Message.of("x"));
        r.read(Duration.ofSeconds(5));
      }
      p.client.reader(); // left open on purpose: closing the connection must end it too
      // Never answered: its timeout is pending on the timer thread when the connection closes.
      p.client.requestAsync(Message.of("unanswered"), Duration.ofMinutes(5));
      pairs.add(p);
    }
    assertThat(ioThreads()).isGreaterThan(1); // the event loops and the request timer
    assertThat(openSockets()).isGreaterThanOrEqualTo(socketsBefore + 40);
    for (Pair p : pairs) {
      p.close();
    }
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
      assertThat(ioThreads()).isZero();
      assertThat(openSockets()).isEqualTo(socketsBefore);
    });
  }

  /** ftcp's event-loop, timer and callback threads. */
  static long ioThreads() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(t -> (t.getName().startsWith("ftcp-io-") || t.getName().startsWith("ftcp-timer-")
            || t.getName().startsWith("ftcp-callback-")) && t.isAlive())
        .count();
  }

  /** Sockets this process holds open, from /proc (Linux, where the tests run). */
  static long openSockets() throws IOException {
    try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
      return fds.filter(fd -> {
        try {
          return Files.readSymbolicLink(fd).toString().startsWith("socket:");
        } catch (IOException e) {
          return false; // closed while we looked
        }
      }).count();
    }
  }
}
