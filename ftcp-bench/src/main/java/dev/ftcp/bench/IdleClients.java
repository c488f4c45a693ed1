package dev.ftcp.bench;

import java.net.InetSocketAddress;
import java.util.concurrent.atomic.LongAdder;

/**
 * The client side of the idle workload, for one implementation: many connections to a peer,
 * each of which can be asked to send one request. Connections are created and driven from one
 * harness thread; replies may arrive on any thread.
 */
public interface IdleClients extends AutoCloseable {
  /**
   * Opens up to {@code n} connections to {@code peer}. Each reply is counted in
   * {@code replies} and, for a recorded request, its time since the request's intended send
   * time goes into {@code latencies}.
   *
   * @return how many connections are open
   */
  int connect(InetSocketAddress peer, int n, LatencyRecorder latencies, LongAdder replies)
      throws Exception;

  /**
   * Sends one request on connection {@code index}, meant to leave at {@code intendedNanos}. Its
   * reply is counted in any case and its latency recorded only when {@code record} is set, so
   * warm-up replies that come late never mix with measured ones.
   */
  void request(int index, long intendedNanos, boolean record) throws Exception;

  @Override
  void close();
}
