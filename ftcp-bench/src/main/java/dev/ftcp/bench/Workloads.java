package dev.ftcp.bench;

import dev.ftcp.bench.ftcp.FtcpConfig;
import dev.ftcp.bench.ftcp.FtcpIdleClients;
import dev.ftcp.bench.ftcp.FtcpScenarios;
import dev.ftcp.bench.netty.NettyIdleClients;
import dev.ftcp.bench.netty.NettyOneWay;
import dev.ftcp.bench.netty.NettyRequestReply;
import dev.ftcp.bench.socket.SocketOneWay;
import dev.ftcp.bench.socket.SocketPingPong;
import dev.ftcp.bench.zmq.Zmq;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Every workload of the load harness, with its contenders, in the order they run. */
public final class Workloads {
  private static final int SMALL = 64;
  private static final int KIB = 1024;
  /** Requesting virtual threads of rr-vthreads, each with one request in flight. */
  private static final int VTHREADS = 1000;

  private Workloads() {}

  public static List<Workload> all(HarnessConfig config) {
    List<Workload> all = new ArrayList<>();
    for (boolean tls : new boolean[] {false, true}) {
      for (int size : new int[] {SMALL, KIB}) {
        List<Contender> cs = new ArrayList<>();
        cs.add(ftcp(FtcpScenarios.oneWay(FtcpConfig.DEFAULTS)));
        if (!tls) {
          cs.add(resumable(FtcpScenarios.oneWay(FtcpConfig.RESUMABLE)));
        }
        cs.add(new Contender("raw Netty, a buffer per frame", "netty-frame",
            NettyOneWay.scenario(false)));
        cs.add(new Contender("raw Netty, 64 frames per buffer (limit)", "netty-batch",
            NettyOneWay.scenario(true)));
        if (!tls) {
          cs.add(new Contender("JeroMQ PUSH/PULL", "jeromq-pushpull", Zmq.pushPull()));
          cs.add(socket(SocketOneWay.scenario()));
        }
        String sizeName = size == SMALL ? "64" : "1k";
        all.add(new Workload(
            "oneway-" + sizeName + (tls ? "-tls" : "-plain"),
            "one-way, 1 connection, " + (size == SMALL ? "64 B" : "1 KiB") + ", "
                + (tls ? "TLS (" + Tls.providerName() + ")" : "plain TCP"),
            List.of(Metric.MSGS_PER_SEC, Metric.CPU_PER_OP),
            spec(size, tls, 1, 1),
            cs));
      }
    }
    all.add(new Workload("rr-1", "request/reply, 1 outstanding, 64 B",
        List.of(Metric.P50_MICROS, Metric.P99_MICROS, Metric.P999_MICROS, Metric.REQS_PER_SEC,
            Metric.CPU_PER_OP),
        spec(SMALL, false, 1, 1),
        List.of(
            ftcp(FtcpScenarios.requestReply(FtcpConfig.DEFAULTS)),
            resumable(FtcpScenarios.requestReply(FtcpConfig.RESUMABLE)),
            direct(FtcpScenarios.requestReplyDirect()),
            new Contender("raw Netty ping-pong", "netty-pingpong", NettyRequestReply.scenario()),
            new Contender("JeroMQ REQ/REP", "jeromq-reqrep", Zmq.reqRep()),
            socket(SocketPingPong.scenario()))));
    all.add(new Workload("rr-256", "request/reply, 256 outstanding, 1 connection, 64 B",
        List.of(Metric.REQS_PER_SEC, Metric.CPU_PER_OP),
        spec(SMALL, false, 1, 256),
        List.of(
            ftcp(FtcpScenarios.requestReply(FtcpConfig.DEFAULTS)),
            resumable(FtcpScenarios.requestReply(FtcpConfig.RESUMABLE)),
            direct(FtcpScenarios.requestReplyDirect()),
            new Contender("raw Netty, 256 pipelined", "netty-pipelined",
                NettyRequestReply.scenario()),
            new Contender("raw Netty, pieces of 32 (limit)", "netty-pieces",
                NettyRequestReply.pieces(32)),
            new Contender("JeroMQ DEALER/ROUTER", "jeromq-dealer-router", Zmq.dealerRouter()))));
    all.add(new Workload("rr-vthreads",
        "request/reply, " + VTHREADS + " virtual threads with 1 blocking request each, "
            + "1 connection, 64 B (JDK 21+)",
        List.of(Metric.REQS_PER_SEC, Metric.P50_MICROS, Metric.P99_MICROS, Metric.P999_MICROS,
            Metric.CPU_PER_OP),
        spec(SMALL, false, 1, VTHREADS),
        List.of(ftcp(FtcpScenarios.requestReplyVirtualThreads(FtcpConfig.DEFAULTS)))));
    int fanIn = config.fanInConnections();
    all.add(new Workload("fanin", "fan-in, " + fanIn + " connections to 1 listener, 64 B",
        List.of(Metric.MSGS_PER_SEC, Metric.CPU_PER_OP, Metric.CONNECTIONS),
        spec(SMALL, false, fanIn, 1),
        List.of(
            ftcp(FtcpScenarios.fanIn()),
            new Contender("raw Netty, a buffer per frame", "netty-frame", NettyOneWay.fanIn()))));
    int idle = config.idleConnections();
    all.add(new Workload("idle", idle + " idle connections, then 1 request/s each, 64 B",
        List.of(Metric.CONNECTIONS, Metric.HEAP_PER_CONN, Metric.PEER_HEAP_PER_CONN,
            Metric.P50_MICROS, Metric.P99_MICROS, Metric.P999_MICROS, Metric.REQS_PER_SEC),
        spec(SMALL, false, idle, 1),
        List.of(
            ftcp(idle(FtcpConfig.DEFAULTS)),
            resumable(idle(FtcpConfig.RESUMABLE)),
            direct(idle(FtcpConfig.DIRECT)),
            new Contender("raw Netty", "netty",
                IdleScenario.scenario("netty", () -> new NettyIdleClients(payload(SMALL)))),
            // Half and half, to tell which side a difference comes from: ftcp's clients against
            // the raw Netty peer, and raw Netty's clients against the ftcp peer.
            new Contender("ftcp clients, raw Netty peer", "ftcp-clients",
                IdleScenario.scenario("netty",
                    () -> new FtcpIdleClients(payload(SMALL), FtcpConfig.DEFAULTS))),
            new Contender("raw Netty clients, ftcp peer", "ftcp-peer",
                IdleScenario.scenario(FtcpConfig.DEFAULTS.key(),
                    () -> new NettyIdleClients(payload(SMALL)))))));
    return all;
  }

  private static Contender ftcp(Scenario s) {
    return Contender.ftcpDefault(s);
  }

  /**
   * ftcp with a direct callback executor: completions run on the I/O thread, as a Netty
   * handler does, for the workloads whose application code is callbacks.
   */
  private static Contender direct(Scenario s) {
    return Contender.ftcpVariant(FtcpConfig.DIRECT.title(), FtcpConfig.DIRECT.key(), s);
  }

  /**
   * ftcp with resumable sessions on both ends, otherwise as {@code ftcp}, and compared with
   * it: what a session costs (acknowledgements, messages kept until acknowledged, its state).
   */
  private static Contender resumable(Scenario s) {
    return Contender.ftcpVariant(FtcpConfig.RESUMABLE.title(), FtcpConfig.RESUMABLE.key(), s)
        .comparedWith(Contender.FTCP);
  }

  /**
   * The machine's limit: ftcp's frames over plain blocking sockets, one thread per side, no
   * library. Its figures swing from run to run (a blocked thread's wake-up on an idle core), so
   * the report shows their spread, not only the median.
   */
  private static Contender socket(Scenario s) {
    return new Contender("plain java.net.Socket, one thread per side (the machine's limit)",
        "socket", s).withSpread();
  }

  /** The idle workload with ftcp's clients and peer both in {@code config}. */
  private static Scenario idle(FtcpConfig config) {
    return IdleScenario.scenario(config.key(), () -> new FtcpIdleClients(payload(SMALL), config));
  }

  private static RunSpec spec(int size, boolean tls, int connections, int outstanding) {
    return new RunSpec(Duration.ofSeconds(2), Duration.ofSeconds(5), size, tls, connections,
        outstanding, false);
  }

  private static byte[] payload(int size) {
    return spec(size, false, 1, 1).payload();
  }
}
