package dev.ftcp.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.ftcp.Conn;
import dev.ftcp.Ftcp;
import dev.ftcp.Listener;
import dev.ftcp.Message;
import dev.ftcp.Options;
import dev.ftcp.Reader;
import dev.ftcp.TlsConfig;
import dev.ftcp.internal.codec.FrameCodec;
import dev.ftcp.internal.conn.session.Control;
import dev.ftcp.testing.ConnEvents;
import dev.ftcp.testing.FaultProxy;
import dev.ftcp.testing.FaultProxy.Cut;
import dev.ftcp.testing.NettyLeakCheck;
import dev.ftcp.testing.TestCertificates;
import io.netty.buffer.ByteBuf;
import java.io.DataInputStream;
import java.net.Socket;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Resumable sessions that cannot be resumed: a server that restarted, a forged token; and one
 * that can, over mutual TLS.
 */
@Timeout(60)
class SessionLossIT {
  @RegisterExtension static final NettyLeakCheck LEAKS = new NettyLeakCheck();

  private static final Duration WITHIN = Duration.ofSeconds(20);

  private static Options.Builder resumable() {
    return Options.builder().resumable(true).redialBackoff(Duration.ofMillis(5))
        .maxRedialBackoff(Duration.ofMillis(50));
  }

  @Test
  void aRestartedServerHasLostTheSessionAndTheClientSendsAgainWhatWasNotAcknowledged()
      throws Exception {
    ConnEvents events = new ConnEvents();
    Listener first = Ftcp.listen("127.0.0.1:0", resumable().build());
    int port = first.address().getPort();
    try (Conn c = Ftcp.dial("127.0.0.1:" + port, resumable().stateListener(events).build())) {
      try (Conn s = first.accept(WITHIN); Reader r = s.reader()) {
        c.write(Message.of("before"));
        assertThat(r.read(WITHIN).text()).isEqualTo("before");
        await().atMost(WITHIN).until(() -> c.stats().queued() == 0); // acknowledged
        // The listener goes first: closed after its connection, it could take the client's
        // redial, lose the session there once, and then again when the second server comes.
        first.close();
      } finally {
        first.close();
      }
      c.write(Message.of("while it was down"));
      try (Listener second = Ftcp.listen("127.0.0.1:" + port, resumable().build());
          Conn s = second.accept(WITHIN);
          Reader r = s.reader()) {
        assertThat(r.read(WITHIN).text()).isEqualTo("while it was down");
        await().atMost(WITHIN).untilAsserted(() -> assertThat(events.count("sessionLost"))
            .as("the client's events: %s", events).isEqualTo(1));
        assertThat(events.count("resumed")).isZero();
        c.write(Message.of("after"));
        assertThat(r.read(WITHIN).text()).isEqualTo("after");
      }
    }
  }

  @Test
  void aForgedTokenGetsANewSessionAndNothingOfAnother() throws Exception {
    try (Listener l = Ftcp.listen("127.0.0.1:0", resumable().build());
        Conn c = Ftcp.dial("127.0.0.1:" + l.address().getPort(), resumable().build());
        Conn s = l.accept(WITHIN)) {
      s.write(Message.of("for the real client only"));
      byte[] forged = new byte[Control.TOKEN_BYTES];
      new SecureRandom().nextBytes(forged);
      try (Socket raw = new Socket("127.0.0.1", l.address().getPort())) {
        raw.setSoTimeout((int) WITHIN.toMillis());
        raw.getOutputStream().write(hello(forged, 5));
        DataInputStream in = new DataInputStream(raw.getInputStream());
        byte[] welcome = readFrame(in);
        assertThat(id(welcome)).isZero();
        assertThat(repId(welcome)).isEqualTo(Control.WELCOME);
        byte[] body = Arrays.copyOfRange(welcome, FrameCodec.SLOTS_LENGTH, welcome.length);
        assertThat(body[1]).isEqualTo((byte) Control.LOST);
        assertThat(Arrays.copyOfRange(body, 2, 2 + Control.TOKEN_BYTES)).isNotEqualTo(forged);
        try (Conn forgersSession = l.accept(WITHIN)) {
          assertThat(forgersSession).isNotSameAs(s);
        }
        assertThat(raw.getInputStream().available()).isZero();
      }
      try (Reader r = c.reader()) {
        assertThat(r.read(WITHIN).text()).isEqualTo("for the real client only");
      }
    }
  }

  @Test
  void aSessionResumesOverMutualTls(@TempDir Path dir) throws Exception {
    TestCertificates certs = TestCertificates.generate(dir);
    TlsConfig server = TlsConfig.server(certs.server.certPem, certs.server.keyPem)
        .requireClientAuth(certs.caPem).build();
    TlsConfig client = TlsConfig.client().trustPem(certs.caPem)
        .keyPairPem(certs.client.certPem, certs.client.keyPem).build();
    ConnEvents events = new ConnEvents();
    try (Listener l = Ftcp.listen("127.0.0.1:0", resumable().tls(server).build());
        FaultProxy proxy = FaultProxy.to(l.address());
        Conn c = Ftcp.dial("localhost:" + proxy.address().getPort(),
            resumable().tls(client).stateListener(events).build());
        Conn s = l.accept(WITHIN);
        Reader r = s.reader()) {
      c.write(Message.of("one"));
      assertThat(r.read(WITHIN).text()).isEqualTo("one");
      proxy.cutAll(Cut.RESET);
      c.write(Message.of("two"));
      assertThat(r.read(WITHIN).text()).isEqualTo("two");
      await().atMost(WITHIN).until(() -> events.count("resumed") >= 1);
      assertThat(events.count("sessionLost")).isZero();
    }
  }

  private static byte[] hello(byte[] token, long received) {
    ByteBuf frame = Control.handshake(io.netty.buffer.UnpooledByteBufAllocator.DEFAULT,
        Control.HELLO, 0, token, received, FrameCodec.prefixLength(false));
    try {
      byte[] out = new byte[frame.readableBytes()];
      frame.readBytes(out);
      return out;
    } finally {
      frame.release();
    }
  }

  private static byte[] readFrame(DataInputStream in) throws Exception {
    int length = Short.toUnsignedInt(Short.reverseBytes(in.readShort()));
    byte[] frame = new byte[length];
    in.readFully(frame);
    return frame;
  }

  private static long id(byte[] frame) {
    return slot(frame, 0);
  }

  private static long repId(byte[] frame) {
    return slot(frame, 8);
  }

  /** A varint in an 8-byte slot, as ftcp writes it (PROTOCOL.md §1.3). */
  private static long slot(byte[] frame, int at) {
    long v = 0;
    int shift = 0;
    for (int i = at; i < at + 8; i++) {
      v |= (long) (frame[i] & 0x7f) << shift;
      if ((frame[i] & 0x80) == 0) {
        break;
      }
      shift += 7;
    }
    return v;
  }
}
