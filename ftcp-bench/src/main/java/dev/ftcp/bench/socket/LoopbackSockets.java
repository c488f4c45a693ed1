package dev.ftcp.bench.socket;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;

/**
 * One TCP connection over 127.0.0.1 as its two blocking {@link Socket}s, {@code TCP_NODELAY} on
 * both (a ping-pong's single frame must not wait for Nagle), buffers at the kernel's defaults as
 * Netty leaves them. Opened by a scenario's thread; {@link #close} may run while other threads
 * are blocked reading or writing, whose calls then throw. Costs two file descriptors and no
 * thread.
 */
final class LoopbackSockets implements AutoCloseable {
  private static final int CONNECT_TIMEOUT_MS = 10_000;

  private final Socket client;
  private final Socket server;

  private LoopbackSockets(Socket client, Socket server) {
    this.client = client;
    this.server = server;
  }

  static LoopbackSockets open() throws IOException {
    try (ServerSocket listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      listener.setSoTimeout(CONNECT_TIMEOUT_MS);
      Socket client = new Socket();
      try {
        client.setTcpNoDelay(true);
        client.connect(listener.getLocalSocketAddress(), CONNECT_TIMEOUT_MS);
        Socket server = listener.accept();
        server.setTcpNoDelay(true);
        return new LoopbackSockets(client, server);
      } catch (IOException | RuntimeException e) {
        client.close();
        throw e;
      }
    }
  }

  /** The connecting side. */
  Socket client() {
    return client;
  }

  /** The accepted side. */
  Socket server() {
    return server;
  }

  @Override
  public void close() throws IOException {
    try {
      client.close();
    } finally {
      server.close();
    }
  }
}
