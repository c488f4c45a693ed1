package dev.ftcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.ftcp.testing.NettyLeakCheck;
import java.io.OutputStream;
import java.net.Socket;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Conn.close() on a connection whose reading is paused (a reader's buffer is full) turns reading
 * back on to see the peer's end of stream; what a flooding peer sends meanwhile must not be
 * appended to the full buffer, or memory is no longer bounded by readerBufferDepth for up to
 * closeLinger. Found by the hostile-peer tests.
 */
@Timeout(60)
class CloseWhilePausedTest {
  @RegisterExtension static final NettyLeakCheck LEAKS = new NettyLeakCheck();

  @Test
  void closingAConnectionWhoseReaderIsFullKeepsMemoryBounded() throws Exception {
    int depth = 10;
    Options server = Options.builder().readerBufferDepth(depth).build();
    try (Listener l = Ftcp.listen("127.0.0.1:0", server);
        Socket flooder = new Socket("127.0.0.1", l.address().getPort())) {
      Conn s = l.accept(Duration.ofSeconds(5));
      Reader r = s.reader(); // never read: its buffer fills and reading pauses
      Thread writer = new Thread(() -> {
        // 64 frames of 1,000-byte payloads per write, ID 0 (the varint slot is all zeros).
        byte[] frames = new byte[64 * 1018];
        for (int i = 0; i < 64; i++) {
          frames[i * 1018] = (byte) 1016;
          frames[i * 1018 + 1] = (byte) (1016 >>> 8);
        }
        try {
          OutputStream out = flooder.getOutputStream();
          for (;;) {
            out.write(frames);
          }
        } catch (Exception e) {
          // the server closed the connection
        }
      });
      writer.setDaemon(true);
      writer.start();
      await().atMost(Duration.ofSeconds(10)).until(() -> s.stats().messagesIn() >= depth);
      long paused = s.stats().messagesIn();
      long start = System.nanoTime();
      s.close(); // nothing to send; lingers up to closeLinger (2 s) for the peer's end of stream
      long closeMillis = (System.nanoTime() - start) / 1_000_000;
      long buffered = 0;
      try {
        for (;;) {
          r.read(Duration.ofSeconds(5));
          buffered++;
        }
      } catch (ConnectionClosedException e) {
        // the buffer is drained
      }
      System.out.printf("FINDING-D buffered when paused %d, after close() %d (%d MB in a reader"
          + " of depth %d; close took %d ms)%n", paused, buffered, buffered * 1016 / 1_000_000,
          depth, closeMillis);
      // A socket read holds at most 64 KiB: about 64 of these frames.
      assertThat(buffered).isLessThan(paused + 200);
    }
  }
}
