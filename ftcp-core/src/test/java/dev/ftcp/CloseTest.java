package dev.ftcp;

import dev.ftcp.testing.NettyLeakCheck;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ftcp.testing.Pair;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** PROTOCOL.md §10 "Closing", on both sides. */
@Timeout(30)
class CloseTest {
  @RegisterExtension static final NettyLeakCheck LEAKS = new NettyLeakCheck();


  @Test
  void closeSendsWhatIsQueuedFirst() throws Exception {
    try (Pair p = Pair.open(); Reader r = p.server.reader()) {
      for (int i = 0; i < 1000; i++) {
        p.client.write(Message.of("m" + i));
      }
      p.client.close();
      for (int i = 0; i < 1000; i++) {
        assertThat(r.read(Duration.ofSeconds(5)).text()).isEqualTo("m" + i);
      }
      // Then the server side sees the end, once its buffer is drained.
      assertThatThrownBy(() -> r.read(Duration.ofSeconds(5)))
          .isInstanceOf(ConnectionClosedException.class);
      assertThat(p.client.stats().messagesDiscarded()).isZero();
    }
  }

  @Test
  void closeDoesNotLoseWhatThePeerHasNotReadYet() throws Exception {
    // An echoing peer answers while we close. Closing a socket with unread input sends a
    // reset, and a reset makes the peer's kernel drop what its application had not read yet.
    try (Listener l = Ftcp.listen("127.0.0.1:0")) {
      for (int round = 0; round < 100; round++) {
        Conn c = Ftcp.dial(Pair.address(l));
        Conn s = l.accept(Duration.ofSeconds(5));
        CompletableFuture<Integer> got = CompletableFuture.supplyAsync(() -> {
          int n = 0;
          try (Reader r = s.reader()) {
            for (;;) {
              Message m = r.read(Duration.ofSeconds(10));
              n++;
              try {
                s.write(m.reply(m.data()));
              } catch (ConnectionClosedException clientGone) {
                // the client has closed: what it sent before must still be readable
              }
            }
          } catch (Exception end) {
            return n;
          }
        }, runnable -> new Thread(runnable).start());
        c.write(Message.of("one"));
        c.write(Message.of("two"));
        c.close();
        assertThat(got.get(20, java.util.concurrent.TimeUnit.SECONDS))
            .as("messages the server got in round " + round).isEqualTo(2);
        s.close();
      }
    }
  }

  @Test
  void closeIsIdempotentAndStopsWrites() throws Exception {
    try (Pair p = Pair.open()) {
      p.client.close();
      p.client.close();
      assertThat(p.client.isOpen()).isFalse();
      assertThatThrownBy(() -> p.client.write(Message.of("x")))
          .isInstanceOf(ConnectionClosedException.class);
      assertThatThrownBy(() -> p.client.request(Message.of("x"), Duration.ofSeconds(1)))
          .isInstanceOf(ConnectionClosedException.class);
    }
  }

  @Test
  void closeWakesABlockedReaderAfterItsBufferDrains() throws Exception {
    try (Pair p = Pair.open()) {
      Reader r = p.client.reader();
      p.server.write(Message.of("last words"));
      CompletableFuture<Void> blocked = CompletableFuture.runAsync(() -> {
        try {
          assertThat(r.read().text()).isEqualTo("last words");
          r.read(); // blocks until close
        } catch (Exception e) {
          throw new RuntimeException(e);
        }
      }, runnable -> new Thread(runnable).start());
      // The reader may or may not have taken the first message yet: close must not lose it.
      p.client.close();
      assertThatThrownBy(blocked::get).isInstanceOf(ExecutionException.class)
          .hasRootCauseInstanceOf(ConnectionClosedException.class);
    }
  }

  @Test
  void aServerConnectionFailsWhenItsClientGoesAway() throws Exception {
    try (Pair p = Pair.open(); Reader r = p.server.reader()) {
      p.client.write(Message.of("bye"));
      p.client.close();
      assertThat(r.read(Duration.ofSeconds(5)).text()).isEqualTo("bye");
      assertThatThrownBy(() -> r.read(Duration.ofSeconds(5)))
          .isInstanceOf(ConnectionClosedException.class);
      assertThat(p.server.isOpen()).isFalse();
      assertThatThrownBy(() -> p.server.write(Message.of("anyone?")))
          .isInstanceOf(ConnectionClosedException.class);
      // A reader opened after the end learns it at once.
      try (Reader late = p.server.reader()) {
        assertThatThrownBy(late::read).isInstanceOf(ConnectionClosedException.class);
      }
    }
  }

  @Test
  void closingTheListenerWakesAcceptAndLeavesAcceptedConnectionsOpen() throws Exception {
    try (Pair p = Pair.open()) {
      CompletableFuture<Conn> accepting = CompletableFuture.supplyAsync(() -> {
        try {
          return p.listener.accept();
        } catch (Exception e) {
          throw new RuntimeException(e);
        }
      }, runnable -> new Thread(runnable).start());
      p.listener.close();
      p.listener.close();
      assertThatThrownBy(accepting::get).isInstanceOf(ExecutionException.class)
          .hasRootCauseInstanceOf(ConnectionClosedException.class);
      assertThatThrownBy(p.listener::accept).isInstanceOf(ConnectionClosedException.class);
      try (Reader r = p.server.reader()) {
        p.client.write(Message.of("still here"));
        assertThat(r.read(Duration.ofSeconds(5)).text()).isEqualTo("still here");
      }
    }
  }
}
