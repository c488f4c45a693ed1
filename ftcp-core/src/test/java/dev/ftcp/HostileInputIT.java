package dev.ftcp;

import dev.ftcp.testing.NettyLeakCheck;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ftcp.testing.Pair;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.HexFormat;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** PROTOCOL.md §13 "Malformed or hostile input": a raw socket plays the hostile peer. */
@Timeout(30)
class HostileInputIT {
  @RegisterExtension static final NettyLeakCheck LEAKS = new NettyLeakCheck();


  static Stream<Arguments> badFrames() {
    return Stream.of(
        Arguments.of("short frame", "0f00" + "00".repeat(15), "shorter than the 16 bytes"),
        Arguments.of("varint without end", "1000" + "ff".repeat(8) + "00".repeat(8),
            "ID varint does not end"),
        Arguments.of("repid varint without end", "1000" + "01" + "00".repeat(7) + "80".repeat(8),
            "RepID varint does not end"),
        Arguments.of("oversize length", "ffff", "exceeds maxFrameLength 1000"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badFrames")
  void aMalformedFrameFailsThatConnectionAndTheListenerServesOthers(
      String name, String hex, String message) throws Exception {
    Options server = Options.builder().maxFrameLength(1000).build();
    try (Listener l = Ftcp.listen("127.0.0.1:0", server);
        Socket raw = new Socket("127.0.0.1", l.address().getPort())) {
      Conn victim = l.accept(Duration.ofSeconds(5));
      try (Reader r = victim.reader()) {
        OutputStream out = raw.getOutputStream();
        // A good frame first: it is delivered, then the bad one ends the connection.
        out.write(HexFormat.of().parseHex("1400010000000000000000000000000000006175746f"));
        out.write(HexFormat.of().parseHex(hex));
        out.flush();
        assertThat(r.read(Duration.ofSeconds(5)).text()).isEqualTo("auto");
        assertThatThrownBy(() -> r.read(Duration.ofSeconds(5)))
            .isInstanceOf(ConnectionClosedException.class)
            .cause().isInstanceOf(FrameFormatException.class).hasMessageContaining(message);
        // The peer sees its connection closed.
        assertThat(raw.getInputStream().read()).isEqualTo(-1);
      }
      try (Conn good = Ftcp.dial(Pair.address(l)); Conn s = l.accept(Duration.ofSeconds(5));
          Reader r = s.reader()) {
        good.write(Message.of("fine"));
        assertThat(r.read(Duration.ofSeconds(5)).text()).isEqualTo("fine");
      }
    }
  }

  @Test
  void anAddressThatDoesNotParseIsNamedInTheError() {
    for (String bad : new String[] {"nohost", "host:notaport", "host:70000", "::1:80", "[::1]80"}) {
      assertThatThrownBy(() -> Ftcp.dial(bad)).isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining(bad);
    }
    assertThatThrownBy(() -> Ftcp.dial(":9000")).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(":9000");
  }

  @Test
  void nothingListeningMakesDialFailAtOnce() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    long start = System.nanoTime();
    assertThatThrownBy(() -> Ftcp.dial("127.0.0.1:" + port)).isInstanceOf(ConnectException.class);
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(2));
  }
}
