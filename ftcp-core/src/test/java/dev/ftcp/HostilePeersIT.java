package dev.ftcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.ftcp.testing.HostileSummary;
import dev.ftcp.testing.KernelSockets;
import dev.ftcp.testing.NettyLeakCheck;
import dev.ftcp.testing.Pair;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * PROTOCOL.md §11 "Server limits" against many hostile peers at once, raw sockets playing them:
 * what {@link ServerLimitsTest} shows for one connection, at scale. What hostile peers cost in
 * memory is measured in {@link HostileMemoryIT}.
 *
 * <p>Every wait is bounded and no assertion is on time.
 */
@Timeout(60)
class HostilePeersIT {
  @RegisterExtension static final NettyLeakCheck LEAKS = new NettyLeakCheck();

  private static final Duration WAIT = Duration.ofSeconds(30);

  @Test
  void manySilentPeersAndPeersThatStoppedMidFrameAreAllClosedByIdleTimeout() throws Exception {
    int silent = 200;
    int stoppedMidFrame = 100;
    Options server = Options.builder().idleTimeout(Duration.ofSeconds(1)).build();
    List<Socket> peers = new ArrayList<>();
    List<Conn> accepted = new ArrayList<>();
    try (Listener l = Ftcp.listen("127.0.0.1:0", server)) {
      int port = l.address().getPort();
      for (int i = 0; i < silent + stoppedMidFrame; i++) {
        Socket s = new Socket("127.0.0.1", port);
        s.setSoTimeout((int) WAIT.toMillis());
        peers.add(s);
        if (i >= silent) {
          // A header announcing 1000 bytes, then half of them, then nothing more.
          OutputStream out = s.getOutputStream();
          out.write(new byte[] {(byte) 0xe8, 0x03});
          out.write(new byte[500]);
          out.flush();
        }
        accepted.add(l.accept(WAIT));
      }

      await().atMost(WAIT).until(() -> accepted.stream().noneMatch(Conn::isOpen));
      for (Conn c : accepted) {
        try (Reader r = c.reader()) {
          assertThatThrownBy(r::read).isInstanceOf(ConnectionClosedException.class)
              .hasMessageContaining("idleTimeout");
        }
      }
      for (Socket s : peers) {
        assertThat(s.getInputStream().read()).as("the peer sees the end of the stream")
            .isEqualTo(-1);
      }
      await().atMost(WAIT).until(() -> KernelSockets.at(port).count() == 0);
      HostileSummary.record("idleTimeout.closesQuietPeers", silent + " silent peers and "
          + stoppedMidFrame + " that stopped in the middle of a frame, all closed by"
          + " idleTimeout 1 s; their partial frames released (no Netty leak reported)");

      // The listener serves on.
      try (Conn good = Ftcp.dial(Pair.address(l)); Conn s = l.accept(WAIT); Reader r = s.reader()) {
        good.write(Message.of("after"));
        assertThat(r.read(WAIT).text()).isEqualTo("after");
      }
    } finally {
      closeAll(peers);
    }
  }

  @Test
  void aBurstPastMaxConnectionsIsRefusedCleanlyWhileTheServedCarryOn() throws Exception {
    int cap = 50;
    int burst = 200;
    Options server = Options.builder().maxConnections(cap).build();
    List<Conn> clients = new ArrayList<>();
    List<Conn> served = new ArrayList<>();
    List<Socket> refused = new ArrayList<>();
    try (Listener l = Ftcp.listen("127.0.0.1:0", server)) {
      int port = l.address().getPort();
      for (int i = 0; i < cap; i++) {
        clients.add(Ftcp.dial(Pair.address(l)));
        served.add(l.accept(WAIT));
      }
      // JDK 25 opens a socket of its own, and keeps it, the first time a java.net.Socket is used
      // in a JVM: use one before counting, so that it is counted before and after alike.
      try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
          Socket s = new Socket(InetAddress.getLoopbackAddress(), probe.getLocalPort())) {
        assertThat(s.isConnected()).isTrue();
      }
      long socketsBefore = ResourceTest.openSockets();

      for (int i = 0; i < burst; i++) {
        Socket s = new Socket("127.0.0.1", port);
        s.setSoTimeout((int) WAIT.toMillis());
        refused.add(s);
      }
      for (Socket s : refused) {
        assertThat(s.getInputStream().read()).as("a refused peer sees the end of the stream")
            .isEqualTo(-1);
      }
      await().atMost(WAIT).until(() -> l.refusedConnections() == burst);
      await().atMost(WAIT).untilAsserted(() -> assertThat(KernelSockets.at(port).count())
          .as("server-side connections:%s", KernelSockets.describe(port)).isEqualTo(cap));

      // Every connection within the cap carries messages both ways.
      for (int i = 0; i < cap; i++) {
        try (Reader atServer = served.get(i).reader(); Reader atClient = clients.get(i).reader()) {
          clients.get(i).write(Message.of("in " + i));
          assertThat(atServer.read(WAIT).text()).isEqualTo("in " + i);
          served.get(i).write(Message.of("out " + i));
          assertThat(atClient.read(WAIT).text()).isEqualTo("out " + i);
        }
        assertThat(served.get(i).isOpen()).isTrue();
      }

      closeAll(refused);
      await().atMost(WAIT).until(() -> ResourceTest.openSockets() <= socketsBefore);
      HostileSummary.record("maxConnections.burst", "a burst of " + burst + " connections past"
          + " maxConnections " + cap + ": all " + burst + " closed at once (end of stream),"
          + " counted in refusedConnections, no socket left open; the " + cap
          + " served carried on");
    } finally {
      closeAll(refused);
      clients.forEach(Conn::close);
      served.forEach(Conn::close);
    }
  }

  private static void closeAll(List<Socket> sockets) throws IOException {
    for (Socket s : sockets) {
      s.close();
    }
  }
}
