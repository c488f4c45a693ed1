package dev.ftcp.bench;

import dev.ftcp.bench.peer.Peer;
import java.util.Arrays;

/**
 * {@code java -jar ftcp-bench.jar}: the load harness; {@code ... jmh [options]}: the JMH
 * microbenchmarks (the same as {@code org.openjdk.jmh.Main}); {@code ... peer
 * ftcp|ftcp-direct|ftcp-resumable|netty}: the child process of the idle workload, not for people.
 */
public final class Main {
  private Main() {}

  public static void main(String[] args) throws Exception {
    if (args.length > 0 && args[0].equals("jmh")) {
      org.openjdk.jmh.Main.main(Arrays.copyOfRange(args, 1, args.length));
      return;
    }
    if (args.length > 1 && args[0].equals("peer")) {
      Peer.main(args[1]);
      System.exit(0);
    }
    int status = LoadHarness.run(System.out, args);
    // Scenario threads are daemons, but a hung one may hold non-daemon library threads.
    System.exit(status);
  }
}
