package dev.ftcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.ftcp.testing.NettyLeakCheck;
import dev.ftcp.testing.Pair;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Cancelling a {@code requestAsync} future takes the request out of flight at once: its ID may
 * be used again, and a reply that comes later is an ordinary message.
 */
@Timeout(60)
class RequestCancelTest {
  @RegisterExtension static final NettyLeakCheck LEAKS = new NettyLeakCheck();

  private static final Duration LONG = Duration.ofMinutes(5);

  @Test
  void aCancelledRequestsIdCanBeUsedAgainAtOnce() throws Exception {
    try (Pair p = Pair.open(); Reader server = p.server.reader()) {
      CompletableFuture<Message> first = p.client.requestAsync(new Message(7, 0, "a".getBytes()), LONG);
      assertThat(first.cancel(false)).isTrue();
      CompletableFuture<Message> second =
          p.client.requestAsync(new Message(7, 0, "b".getBytes()), LONG);
      assertThat(server.read(Duration.ofSeconds(10)).text()).isEqualTo("a");
      Message q = server.read(Duration.ofSeconds(10));
      assertThat(q.text()).isEqualTo("b");
      p.server.write(q.reply("for b".getBytes()));
      assertThat(second.get().text()).isEqualTo("for b");
    }
  }

  /** With no reader open, a reply that answers a request is taken by it; this one is kept. */
  @Test
  void aReplyToACancelledRequestIsKeptForTheNextReaderAsAnyMessage() throws Exception {
    try (Pair p = Pair.open(); Reader server = p.server.reader()) {
      CompletableFuture<Message> f = p.client.requestAsync(Message.of("q"), LONG);
      Message q = server.read(Duration.ofSeconds(10));
      assertThat(f.cancel(false)).isTrue();
      p.server.write(q.reply("late".getBytes()));
      await().atMost(Duration.ofSeconds(10)).until(() -> p.client.stats().messagesIn() == 1);
      try (Reader client = p.client.reader()) {
        Message got = client.read(Duration.ofSeconds(10));
        assertThat(got.text()).isEqualTo("late");
        assertThat(got.repId()).isEqualTo(q.id());
      }
      assertThat(p.client.stats().lateRepliesDiscarded()).isZero();
    }
  }
}
