package dev.ftcp.redial;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.ftcp.testing.FaultProxy;
import dev.ftcp.testing.FaultProxy.Cut;
import dev.ftcp.testing.FaultProxy.Direction;
import dev.ftcp.testing.FaultProxy.Refusal;
import dev.ftcp.testing.FaultProxy.Stall;
import dev.ftcp.testing.NettyLeakCheck;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The fault proxy itself, against a plain echo server: the redial tests rely on each fault. */
@Timeout(20)
class FaultProxyIT {
  @RegisterExtension static final NettyLeakCheck LEAKS = new NettyLeakCheck();

  private static final Duration WITHIN = Duration.ofSeconds(5);

  private ServerSocket echo;
  private final List<Socket> served = new CopyOnWriteArrayList<>();
  private FaultProxy proxy;

  @BeforeEach
  void start() throws IOException {
    echo = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    Thread t = new Thread(this::serveEcho, "echo-accept");
    t.setDaemon(true);
    t.start();
    proxy = FaultProxy.to(new java.net.InetSocketAddress(InetAddress.getLoopbackAddress(),
        echo.getLocalPort()));
  }

  @AfterEach
  void stop() throws IOException {
    proxy.close();
    echo.close();
    for (Socket s : served) {
      s.close();
    }
  }

  private void serveEcho() {
    try {
      for (;;) {
        Socket s = echo.accept();
        served.add(s);
        Thread t = new Thread(() -> {
          byte[] buf = new byte[8192];
          try (s) {
            for (int n; (n = s.getInputStream().read(buf)) > 0; ) {
              s.getOutputStream().write(buf, 0, n);
            }
          } catch (IOException e) {
            // the proxy cut it
          }
        }, "echo");
        t.setDaemon(true);
        t.start();
      }
    } catch (IOException e) {
      // closed
    }
  }

  private Socket dial() throws IOException {
    Socket s = new Socket(proxy.address().getAddress(), proxy.address().getPort());
    s.setSoTimeout(5000);
    return s;
  }

  private static byte[] readFully(InputStream in, int n) throws IOException {
    byte[] b = in.readNBytes(n);
    assertThat(b).hasSize(n);
    return b;
  }

  @Test
  void forwardsBothWaysAndCounts() throws IOException {
    try (Socket s = dial()) {
      byte[] data = "hello, proxy".getBytes();
      s.getOutputStream().write(data);
      assertThat(readFully(s.getInputStream(), data.length)).isEqualTo(data);
      assertThat(proxy.connectionsAccepted()).isEqualTo(1);
      assertThat(proxy.accepts().get(0).from().getPort()).isEqualTo(s.getLocalPort());
      assertThat(proxy.bytesForwarded(Direction.CLIENT_TO_SERVER)).isEqualTo(data.length);
      await().atMost(WITHIN).until(() ->
          proxy.bytesForwarded(Direction.SERVER_TO_CLIENT) == data.length);
    }
  }

  @Test
  void forwardsWhatWasSentBeforeTheTargetConnectionWasOpen() throws Exception {
    byte[] data = new byte[2 << 20];
    new java.util.Random(1).nextBytes(data);
    try (Socket s = dial()) {
      java.util.concurrent.FutureTask<Void> w = Threads.start("w", () -> {
        s.getOutputStream().write(data);
        return null;
      });
      assertThat(readFully(s.getInputStream(), data.length)).isEqualTo(data);
      w.get();
    }
  }

  @Test
  void fragmentsAndDelaysKeepEveryByteInOrder() throws IOException {
    proxy.fragment(1);
    proxy.delay(Duration.ofMillis(50));
    try (Socket s = dial()) {
      byte[] data = new byte[5000];
      for (int i = 0; i < data.length; i++) {
        data[i] = (byte) i;
      }
      long start = System.nanoTime();
      s.getOutputStream().write(data);
      assertThat(readFully(s.getInputStream(), data.length)).isEqualTo(data);
      // Delayed twice: on the way there and on the way back.
      assertThat(Duration.ofNanos(System.nanoTime() - start))
          .isGreaterThanOrEqualTo(Duration.ofMillis(100));
    }
  }

  @Test
  void halfOpenHoldsUntilResumedAndDropLosesBytes() throws IOException {
    try (Socket s = dial()) {
      s.getOutputStream().write(1);
      assertThat(s.getInputStream().read()).isEqualTo(1);

      proxy.halfOpen(Direction.CLIENT_TO_SERVER);
      s.getOutputStream().write(2);
      s.setSoTimeout(200);
      assertThatThrownBy(() -> s.getInputStream().read())
          .isInstanceOf(SocketTimeoutException.class);
      assertThat(proxy.openConnections()).as("held, not closed").isEqualTo(1);
      proxy.resume();
      s.setSoTimeout(5000);
      assertThat(s.getInputStream().read()).isEqualTo(2);

      proxy.halfOpen(Direction.SERVER_TO_CLIENT, Stall.DROP);
      s.getOutputStream().write(new byte[] {3, 4, 5});
      await().atMost(WITHIN).until(() -> proxy.bytesDropped() == 3);
      proxy.resume();
      s.getOutputStream().write(6);
      assertThat(s.getInputStream().read()).isEqualTo(6);
    }
  }

  @Test
  void injectsBytesOfItsOwn() throws IOException {
    try (Socket s = dial()) {
      s.getOutputStream().write(1);
      assertThat(s.getInputStream().read()).isEqualTo(1);
      proxy.inject(Direction.SERVER_TO_CLIENT, new byte[] {9, 8});
      assertThat(readFully(s.getInputStream(), 2)).containsExactly(9, 8);
      proxy.inject(Direction.CLIENT_TO_SERVER, new byte[] {7}); // the echo server returns it
      assertThat(s.getInputStream().read()).isEqualTo(7);
    }
  }

  @Test
  void cutResetsOrCloses() throws IOException {
    try (Socket s = dial()) {
      s.getOutputStream().write(1);
      assertThat(s.getInputStream().read()).isEqualTo(1);
      proxy.cutAll(Cut.RESET);
      assertThatThrownBy(() -> s.getInputStream().read())
          .isInstanceOf(SocketException.class).hasMessageContaining("reset");
    }
    try (Socket s = dial()) {
      s.getOutputStream().write(1);
      assertThat(s.getInputStream().read()).isEqualTo(1);
      proxy.cutAll(Cut.FIN);
      assertThat(s.getInputStream().read()).isEqualTo(-1);
    }
    assertThat(proxy.openConnections()).isZero();
  }

  @Test
  void refusesByClosingOrByNotListeningThenServesAgainOnTheSamePort() throws Exception {
    int port = proxy.address().getPort();
    proxy.refuse(true);
    try (Socket s = dial()) {
      assertThat(s.getInputStream().read()).as("accepted, then closed").isEqualTo(-1);
    }
    assertThat(proxy.connectionsRefused()).isEqualTo(1);

    proxy.refuse(Refusal.NOT_LISTENING);
    assertThatThrownBy(this::dial).isInstanceOf(ConnectException.class);

    proxy.refuseFor(Duration.ofMillis(100), Refusal.NOT_LISTENING);
    await().atMost(WITHIN).ignoreExceptionsInstanceOf(ConnectException.class).until(() -> {
      try (Socket s = dial()) {
        s.getOutputStream().write(7);
        return s.getInputStream().read() == 7;
      }
    });
    assertThat(proxy.address().getPort()).isEqualTo(port);
    assertThat(proxy.accepts()).hasSize((int) proxy.connectionsAccepted());
  }
}
