package dev.ftcp.bench;

/**
 * One measured thing: a workload as run by ftcp or by one baseline. An implementation starts
 * whatever it needs (listeners, event loops, threads, peer processes), warms up, measures, and
 * stops everything it started before it returns, whether it succeeded or not.
 */
@FunctionalInterface
public interface Scenario {
  Result run(RunSpec spec) throws Exception;
}
