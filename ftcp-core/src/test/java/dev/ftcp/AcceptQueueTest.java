package dev.ftcp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ftcp.testing.NettyLeakCheck;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The listener's accept queue: while it holds {@code acceptQueueDepth} connections the server
 * socket is not read, and {@code accept} resumes it. Pausing (on the I/O threads) and resuming
 * (on the accepting thread) race on every connection when the depth is 1; a resume lost to
 * that race would leave the socket unread for good, and every later client waiting in the
 * kernel's backlog with nobody to accept it.
 */
@Timeout(60)
class AcceptQueueTest {
  @RegisterExtension static final NettyLeakCheck LEAKS = new NettyLeakCheck();

  @Test
  void aFullAcceptQueueAlwaysResumesAcceptingConnections() throws Exception {
    int clients = 300;
    Options server = Options.builder().acceptQueueDepth(1).closeLinger(Duration.ZERO).build();
    ExecutorService dialers = Executors.newFixedThreadPool(6);
    List<Conn> accepted = new ArrayList<>();
    List<Future<Conn>> dialed = new ArrayList<>();
    try (Listener l = Ftcp.listen("127.0.0.1:0", server)) {
      String address = "127.0.0.1:" + l.address().getPort();
      Options client = Options.builder().closeLinger(Duration.ZERO).build();
      for (int i = 0; i < clients; i++) {
        dialed.add(dialers.submit(() -> Ftcp.dial(address, client)));
      }
      for (int i = 0; i < clients; i++) {
        accepted.add(l.accept(Duration.ofSeconds(10)));
      }
      assertThat(accepted).hasSize(clients);
    } finally {
      accepted.forEach(Conn::close);
      for (Future<Conn> f : dialed) {
        f.get().close();
      }
      dialers.shutdownNow();
    }
  }
}
