package dev.ftcp.bench.ftcp;

import dev.ftcp.Conn;
import dev.ftcp.Ftcp;
import dev.ftcp.Message;
import dev.ftcp.bench.IdleClients;
import dev.ftcp.bench.LatencyRecorder;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.LongAdder;

/**
 * ftcp's side of the idle workload: dialed connections, each request a {@code requestAsync},
 * completed on the default callback executor or, {@code direct}, on the I/O thread.
 */
public final class FtcpIdleClients implements IdleClients {
  private final byte[] payload;
  private final boolean direct;
  private final List<Conn> conns = new ArrayList<>();
  private LatencyRecorder latencies;
  private LongAdder replies;

  public FtcpIdleClients(byte[] payload, boolean direct) {
    this.payload = payload;
    this.direct = direct;
  }

  @Override
  public int connect(InetSocketAddress peer, int n, LatencyRecorder latencies, LongAdder replies)
      throws Exception {
    this.latencies = latencies;
    this.replies = replies;
    String address = "127.0.0.1:" + peer.getPort();
    for (int i = 0; i < n; i++) {
      conns.add(Ftcp.dial(address, FtcpScenarios.options(false, false, direct)));
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
