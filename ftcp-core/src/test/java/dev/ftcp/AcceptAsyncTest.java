package dev.ftcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ftcp.testing.NettyLeakCheck;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@link Listener#acceptAsync()}: a server that holds no thread while it waits. */
@Timeout(60)
class AcceptAsyncTest {
  @RegisterExtension static final NettyLeakCheck LEAKS = new NettyLeakCheck();

  private static final long WITHIN_S = 20;

  private static String address(Listener l) {
    return "127.0.0.1:" + l.address().getPort();
  }

  @Test
  void theFutureCompletesWithTheConnectionOnTheCallbackExecutor() throws Exception {
    try (Listener l = Ftcp.listen("127.0.0.1:0")) {
      CompletableFuture<Conn> f = l.acceptAsync();
      CompletableFuture<String> thread = f.thenApply(c -> Thread.currentThread().getName());
      assertThat(f).isNotDone();
      try (Conn client = Ftcp.dial(address(l)); Conn server = f.get(WITHIN_S, TimeUnit.SECONDS)) {
        client.write(Message.of("hi"));
        try (Reader r = server.reader()) {
          assertThat(r.read(Duration.ofSeconds(WITHIN_S)).text()).isEqualTo("hi");
        }
        assertThat(thread.get()).doesNotStartWith("ftcp-io");
      }
    }
  }

  @Test
  void closingTheListenerFailsTheWaitingFuturesAndLaterOnes() throws Exception {
    Listener l = Ftcp.listen("127.0.0.1:0");
    CompletableFuture<Conn> waiting = l.acceptAsync();
    l.close();
    assertThatThrownBy(() -> waiting.get(WITHIN_S, TimeUnit.SECONDS))
        .isInstanceOf(ExecutionException.class)
        .hasCauseInstanceOf(ConnectionClosedException.class);
    assertThatThrownBy(() -> l.acceptAsync().get(WITHIN_S, TimeUnit.SECONDS))
        .hasCauseInstanceOf(ConnectionClosedException.class);
  }

  @Test
  void aCancelledFutureTakesNoConnection() throws Exception {
    try (Listener l = Ftcp.listen("127.0.0.1:0")) {
      CompletableFuture<Conn> first = l.acceptAsync();
      CompletableFuture<Conn> second = l.acceptAsync();
      first.cancel(false);
      try (Conn client = Ftcp.dial(address(l)); Conn server = second.get(WITHIN_S, TimeUnit.SECONDS)) {
        assertThat(client.isOpen()).isTrue();
        assertThat(server.isOpen()).isTrue();
        assertThatThrownBy(() -> l.accept(Duration.ofMillis(100)))
            .isInstanceOf(FtcpTimeoutException.class);
      }
    }
  }

  /** The README's echo server: each connection's messages echoed back, no thread of its own. */
  @Test
  void anEchoServerForManyConnectionsWithoutAThread() throws Exception {
    try (Listener l = Ftcp.listen("127.0.0.1:0")) {
      Consumer<Conn> echo = new Consumer<>() {
        @Override
        public void accept(Conn conn) {
          Reader in = conn.reader();
          in.readAsync().thenAccept(new Consumer<>() {
            @Override
            public void accept(Message m) {
              try {
                conn.write(m.reply(m.data()));
                in.readAsync().thenAccept(this);
              } catch (Exception closed) {
                in.close();
              }
            }
          });
        }
      };
      Runnable[] acceptNext = new Runnable[1];
      acceptNext[0] = () -> l.acceptAsync().thenAccept(c -> {
        echo.accept(c);
        acceptNext[0].run();
      });
      acceptNext[0].run();
      List<Conn> clients = new ArrayList<>();
      try {
        for (int i = 0; i < 200; i++) {
          clients.add(Ftcp.dial(address(l)));
        }
        for (int i = 0; i < clients.size(); i++) {
          Message reply = clients.get(i).request(Message.of("n" + i), Duration.ofSeconds(WITHIN_S));
          assertThat(reply.text()).isEqualTo("n" + i);
        }
      } finally {
        clients.forEach(Conn::close);
      }
    }
  }
}
