package dev.ftcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.ftcp.testing.NettyLeakCheck;
import dev.ftcp.testing.Pair;
import java.io.OutputStream;
import java.net.Socket;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * idleTimeout counts whole messages, not bytes, and not the time our own full buffers keep us
 * from reading. Both cases were found by the hostile-peer tests (a slowloris was never closed;
 * a slow local reader got its connection closed).
 */
@Timeout(60)
class IdleTimeoutTest {
  @RegisterExtension static final NettyLeakCheck LEAKS = new NettyLeakCheck();

  /** A peer that sends a frame's bytes one at a time is as idle as a silent one. */
  @Test
  void aPeerTricklingAFrameFasterThanIdleTimeoutIsClosedByIt() throws Exception {
    Options server = Options.builder().idleTimeout(Duration.ofSeconds(2)).build();
    ScheduledExecutorService pacer = Executors.newSingleThreadScheduledExecutor();
    try (Listener l = Ftcp.listen("127.0.0.1:0", server);
        Socket trickler = new Socket("127.0.0.1", l.address().getPort())) {
      Conn s = l.accept(Duration.ofSeconds(5));
      OutputStream out = trickler.getOutputStream();
      AtomicInteger sent = new AtomicInteger();
      // A header announcing 65535 bytes, then zeros: one byte every 500 ms, a quarter of
      // idleTimeout, so no gap between bytes ever reaches it.
      pacer.scheduleAtFixedRate(() -> {
        try {
          out.write(sent.getAndIncrement() < 2 ? 0xff : 0);
        } catch (Exception e) {
          // closed by the server: what this test waits for
        }
      }, 0, 500, TimeUnit.MILLISECONDS);
      try (Reader r = s.reader()) {
        // Before the fix: still open 20 s later (10 idleTimeouts).
        assertThatThrownBy(() -> r.read(Duration.ofSeconds(20)))
            .isInstanceOf(ConnectionClosedException.class).hasMessageContaining("idleTimeout");
      }
    } finally {
      pacer.shutdownNow();
    }
  }

  /**
   * While the server's own reader is slow (reading paused, buffers full), the peer
   * cannot be heard, yet idleTimeout counts that time and closes a connection whose peer is
   * sending: what the kernel had taken is lost.
   */
  @Test
  void aConnectionWhoseReaderIsSlowIsNotClosedByIdleTimeoutWhileThePeerSends() throws Exception {
    Options server = Options.builder().idleTimeout(Duration.ofMillis(500)).readerBufferDepth(10)
        .build();
    AtomicLong written = new AtomicLong();
    try (Pair p = Pair.open(Options.defaults(), server); Reader r = p.server.reader()) {
      Thread writer = new Thread(() -> {
        try {
          for (int i = 0; i < 2000; i++) {
            p.client.write(Message.of(new byte[1000]));
            written.incrementAndGet();
          }
        } catch (Exception e) {
          // the connection ended: the assertions below say why
        }
      });
      writer.setDaemon(true);
      writer.start();
      await().atMost(Duration.ofSeconds(10)).until(() -> p.server.stats().messagesIn() >= 10);
      // The reader takes its time: 2 s, four idleTimeouts, with reading paused.
      await().pollDelay(Duration.ofSeconds(2)).until(() -> true);
      // Before the fix: closed "nothing received for 500 ms (idleTimeout)".
      assertThat(p.server.isOpen()).isTrue();
      int read = 0;
      while (read < 2000) {
        r.read(Duration.ofSeconds(10));
        read++;
      }
      assertThat(read).isEqualTo(2000);
    }
  }
}
