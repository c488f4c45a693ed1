package dev.ftcp.session;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ftcp.Conn;
import dev.ftcp.Ftcp;
import dev.ftcp.Listener;
import dev.ftcp.Message;
import dev.ftcp.Options;
import dev.ftcp.Reader;
import dev.ftcp.internal.codec.FrameCodec;
import dev.ftcp.internal.conn.session.Control;
import dev.ftcp.testing.NettyLeakCheck;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A resumable server against clients that send malformed handshakes and control frames: each
 * gets a new session or a closed socket, within a bound, and the server goes on serving.
 */
@Timeout(120)
class HostileHandshakeIT {
  @RegisterExtension static final NettyLeakCheck LEAKS = new NettyLeakCheck();

  private static final int PREFIX = FrameCodec.prefixLength(false);

  @Test
  void malformedHandshakesAndControlFramesCloseTheSocketOrBeginASessionAndNothingHangs()
      throws Exception {
    Random random = new Random(7);
    Options options = Options.builder().resumable(true)
        .connectTimeout(Duration.ofMillis(500)).build();
    try (Listener l = Ftcp.listen("127.0.0.1:0", options)) {
      for (int i = 0; i < 200; i++) {
        byte[] input = hostile(random);
        try (Socket raw = new Socket("127.0.0.1", l.address().getPort())) {
          raw.setSoTimeout(5_000);
          raw.getOutputStream().write(input);
          raw.shutdownOutput();
          drainUntilClosed(raw.getInputStream());
        }
      }
      // Sessions that began were queued for accept; the listener still serves a real client.
      try (Conn c = Ftcp.dial("127.0.0.1:" + l.address().getPort(), options)) {
        c.write(Message.of("still here"));
        Conn s = l.accept(Duration.ofSeconds(10));
        while (!receives(s)) { // sessions the hostile clients began come first
          s = l.accept(Duration.ofSeconds(10));
        }
        s.close();
      }
    }
  }

  /** Whether {@code s} is the real client's session; closes it when not. */
  private static boolean receives(Conn s) throws IOException {
    try (Reader r = s.reader()) {
      return r.read(Duration.ofMillis(200)).text().equals("still here");
    } catch (dev.ftcp.FtcpTimeoutException | dev.ftcp.ConnectionClosedException e) {
      s.close();
      return false;
    }
  }

  /** Reads until the server closes; fails the test if it neither closes nor answers in time. */
  private static void drainUntilClosed(InputStream in) throws IOException {
    byte[] buf = new byte[4096];
    try {
      while (in.read(buf) >= 0) {
        // a WELCOME, or nothing: the server closes once our end of stream is read
      }
    } catch (SocketTimeoutException e) {
      throw new AssertionError("the server neither answered nor closed within 5 s", e);
    } catch (IOException reset) {
      // closed with a reset: also an answer
    }
  }

  /** A HELLO, WELCOME or ACK with a random body, or a valid HELLO with a bit flipped. */
  private static byte[] hostile(Random random) {
    long type = 1 + random.nextInt(4);
    byte[] body = new byte[random.nextInt(40)];
    random.nextBytes(body);
    if (random.nextBoolean()) {
      body = new byte[2 + Control.TOKEN_BYTES + 8];
      body[0] = Control.VERSION;
      int flip = random.nextInt(body.length * 8);
      body[flip / 8] ^= (byte) (1 << (flip % 8));
      type = Control.HELLO;
    }
    ByteBuf frame = UnpooledByteBufAllocator.DEFAULT.heapBuffer();
    try {
      FrameCodec.encode(frame, random.nextInt(4) == 0 ? 1 : 0, type, body, PREFIX);
      if (random.nextInt(4) == 0) { // an ACK after the HELLO, before any WELCOME
        FrameCodec.encode(frame, 0, Control.ACK, new byte[] {1, 2, 3}, PREFIX);
      }
      byte[] out = new byte[frame.readableBytes()];
      frame.readBytes(out);
      return out;
    } finally {
      frame.release();
    }
  }
}
