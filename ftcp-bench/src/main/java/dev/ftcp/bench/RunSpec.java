package dev.ftcp.bench;

import java.time.Duration;

/**
 * What one scenario run is asked to do.
 *
 * @param warmup how long to run before measuring (JIT, connection buffers, TLS session)
 * @param duration how long to measure
 * @param payloadSize bytes of payload per message
 * @param tls whether the connections use TLS
 * @param connections connections to open (fan-in and idle workloads; 1 otherwise)
 * @param outstanding requests in flight at once (request/reply workloads)
 * @param threadCosts whether a throughput or latency window also notes each thread's costs
 *     per op ({@code --threads}, {@link ThreadCosts})
 */
public record RunSpec(
    Duration warmup,
    Duration duration,
    int payloadSize,
    boolean tls,
    int connections,
    int outstanding,
    boolean threadCosts) {

  /** A fresh payload of {@link #payloadSize} bytes, not all zero so nothing can compress it. */
  public byte[] payload() {
    byte[] p = new byte[payloadSize];
    for (int i = 0; i < p.length; i++) {
      p[i] = (byte) (i * 31 + 7);
    }
    return p;
  }

  public long durationNanos() {
    return duration.toNanos();
  }
}
