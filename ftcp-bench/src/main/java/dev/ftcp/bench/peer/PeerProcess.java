package dev.ftcp.bench.peer;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The server side of the idle workload, run in a child JVM ({@link Peer}). A child because one
 * process's open-file limit (20,000 on this machine, and not raisable from inside) cannot hold
 * both ends of 10,000 connections, and because the heap per idle connection is then measured
 * for each side without the other's objects in it. Talks to the child over its stdin/stdout,
 * one command and one answer per line. Not thread-safe: one harness thread drives it.
 */
public final class PeerProcess implements AutoCloseable {
  private final Process process;
  private final BufferedReader in;
  private final PrintWriter out;
  private final InetSocketAddress address;

  private PeerProcess(Process process) throws IOException {
    this.process = process;
    this.in = new BufferedReader(
        new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    this.out = new PrintWriter(process.getOutputStream(), true, StandardCharsets.UTF_8);
    this.address = new InetSocketAddress("127.0.0.1", Integer.parseInt(answer("PORT")));
  }

  /**
   * Starts a peer serving {@code impl} (an ftcp configuration's key, "ftcp", "ftcp-direct" ...,
   * or "netty") and waits until it listens.
   */
  public static PeerProcess start(String impl) throws IOException {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> cmd = List.of(java,
        "-Xmx2g",
        "-cp", System.getProperty("java.class.path"),
        "dev.ftcp.bench.Main", "peer", impl);
    Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    try {
      return new PeerProcess(p);
    } catch (IOException | RuntimeException e) {
      p.destroyForcibly();
      throw e;
    }
  }

  public InetSocketAddress address() {
    return address;
  }

  /** The peer's heap in use after a full collection. */
  public long heapAfterGc() throws IOException {
    out.println("HEAP");
    return Long.parseLong(answer("HEAP"));
  }

  /** Connections the peer holds now. */
  public int connections() throws IOException {
    out.println("COUNT");
    return Integer.parseInt(answer("COUNT"));
  }

  /** Waits until the peer holds {@code n} connections; returns how many it holds then. */
  public int awaitConnections(int n, Duration timeout) throws IOException, InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    int held = connections();
    while (held < n && System.nanoTime() < deadline) {
      Thread.sleep(20);
      held = connections();
    }
    return held;
  }

  private String answer(String expected) throws IOException {
    String line = in.readLine();
    if (line == null) {
      throw new IOException("the peer process ended" + exitStatus());
    }
    if (!line.startsWith(expected + " ")) {
      throw new IOException("the peer answered '" + line + "' instead of " + expected);
    }
    return line.substring(expected.length() + 1).trim();
  }

  private String exitStatus() {
    try {
      return process.waitFor(2, TimeUnit.SECONDS) ? " with status " + process.exitValue() : "";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "";
    }
  }

  @Override
  public void close() {
    out.println("QUIT");
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }
}
