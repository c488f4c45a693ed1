package dev.ftcp.bench.ftcp;

import dev.ftcp.Conn;
import dev.ftcp.Ftcp;
import dev.ftcp.Message;
import dev.ftcp.Options;
import dev.ftcp.bench.IdleClients;
import dev.ftcp.bench.LatencyRecorder;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.LongAdder;

/**
 * ftcp's side of the idle workload: dialed connections in one {@link FtcpConfig}, each request a
 * {@code requestAsync}.
 */
public final class FtcpIdleClients implements IdleClients {
  private final byte[] payload;
  private final FtcpConfig config;
  private final List<Conn> conns = new ArrayList<>();
  private LatencyRecorder latencies;
  private LongAdder replies;

  public FtcpIdleClients(byte[] payload, FtcpConfig config) {
    this.payload = payload;
    this.config = config;
  }

  @Override
  public int connect(InetSocketAddress peer, int n, LatencyRecorder latencies, LongAdder replies)
      throws Exception {
    this.latencies = latencies;
    this.replies = replies;
    String address = "127.0.0.1:" + peer.getPort();
    Options options = FtcpScenarios.options(false, false, config); // one for all, as apps do
    for (int i = 0; i < n; i++) {
      conns.add(Ftcp.dial(address, options));
    }
    return conns.size();
  }

  @Override
  public void request(int index, long intendedNanos, boolean record) throws Exception {
    conns.get(index).requestAsync(Message.of(payload), FtcpScenarios.REQUEST_TIMEOUT)
        .whenComplete((m, e) -> {
          if (e == null) {
            if (record) {
              latencies.record(System.nanoTime() - intendedNanos);
            }
            replies.increment();
          }
        });
  }

  @Override
  public void close() {
    conns.forEach(Conn::close);
  }
}
