package dev.ftcp.testing;

import dev.ftcp.Conn;
import dev.ftcp.Ftcp;
import dev.ftcp.Listener;
import dev.ftcp.Options;
import java.io.IOException;
import java.time.Duration;

/**
 * A listener on 127.0.0.1, a client dialed to it and the server side of that connection: the
 * setting of most behaviour tests. Closes all three.
 */
public final class Pair implements AutoCloseable {
  public final Listener listener;
  public final Conn client;
  public final Conn server;

  private Pair(Listener listener, Conn client, Conn server) {
    this.listener = listener;
    this.client = client;
    this.server = server;
  }

  public static Pair open() throws IOException {
    return open(Options.defaults(), Options.defaults());
  }

  public static Pair open(Options clientOptions, Options serverOptions) throws IOException {
    Listener l = Ftcp.listen("127.0.0.1:0", serverOptions);
    try {
      Conn c = Ftcp.dial(address(l), clientOptions);
      Conn s = l.accept(Duration.ofSeconds(10));
      return new Pair(l, c, s);
    } catch (IOException | RuntimeException e) {
      l.close();
      throw e;
    }
  }

  public static String address(Listener l) {
    return "127.0.0.1:" + l.address().getPort();
  }

  @Override
  public void close() {
    client.close();
    server.close();
    listener.close();
  }
}
