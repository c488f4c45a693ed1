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
   * Opens up to {@code n} connections to {@code peer}. Each reply is recorded in
   * {@code latencies} as the time since the request's intended send time, and counted in
   * {@code replies}.
   *
   * @return how many connections are open
   */
  int connect(InetSocketAddress peer, int n, LatencyRecorder latencies, LongAdder replies)
      throws Exception;

  /** Sends one request on connection {@code index}, meant to leave at {@code intendedNanos}. */
  void request(int index, long intendedNanos) throws Exception;

  @Override
  void close();
}
