package dev.ftcp.micrometer;

import dev.ftcp.Conn;
import dev.ftcp.Listener;
import java.net.InetAddress;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.util.Objects;

/**
 * Micrometer meters for ftcp: the entry point. {@link #of(Conn, String)} makes the meters of a
 * connection, {@link #of(Listener, String)} those of a listener; each is a
 * {@link io.micrometer.core.instrument.binder.MeterBinder}, so the meters exist once it is bound
 * to a registry:
 *
 * <pre>{@code
 * Conn conn = Ftcp.dial("orders.internal:9000");
 * ConnMetrics metrics = FtcpMetrics.of(conn, "orders");
 * metrics.bindTo(registry);
 * Message reply = metrics.timedRequest(Message.of("status"), Duration.ofSeconds(2));
 * ...
 * conn.close();
 * metrics.close(); // removes the connection's meters from the registry
 * }</pre>
 *
 * <p>Every meter is tagged {@code name} (the name the application gives) and, for a connection,
 * {@code peer} (its remote address as {@code host:port}), for a listener {@code address} (the
 * address it listens on). The meters and their base units are listed in {@link ConnMetrics} and
 * {@link ListenerMetrics}.
 *
 * <p>Thread-safe: the factory methods may be called from any thread. They neither block nor
 * touch the connection's I/O.
 */
public final class FtcpMetrics {

  private FtcpMetrics() {}

  /**
   * The meters of a connection, client or server: its counters ({@link Conn#stats()}) and a
   * timer of the requests made through {@link ConnMetrics#timedRequest}. Nothing is registered
   * until {@link ConnMetrics#bindTo} is called. The {@code peer} tag is the connection's remote
   * address when this is called.
   *
   * @param conn the connection
   * @param name the connection's name, the value of the {@code name} tag
   * @return the connection's meters, not yet bound to a registry
   * @throws NullPointerException when {@code conn} or {@code name} is null
   * @throws IllegalArgumentException when {@code name} is empty
   */
  public static ConnMetrics of(Conn conn, String name) {
    Objects.requireNonNull(conn, "conn");
    checkName(name);
    return new ConnMetrics(conn, name, hostPort(conn.remoteAddress()));
  }

  /**
   * The meters of a listener: the connections it refused. Nothing is registered until
   * {@link ListenerMetrics#bindTo} is called.
   *
   * @param listener the listener
   * @param name the listener's name, the value of the {@code name} tag
   * @return the listener's meters, not yet bound to a registry
   * @throws NullPointerException when {@code listener} or {@code name} is null
   * @throws IllegalArgumentException when {@code name} is empty
   */
  public static ListenerMetrics of(Listener listener, String name) {
    Objects.requireNonNull(listener, "listener");
    checkName(name);
    return new ListenerMetrics(listener, name, hostPort(listener.address()));
  }

  private static void checkName(String name) {
    Objects.requireNonNull(name, "name");
    if (name.isEmpty()) {
      throw new IllegalArgumentException("name is empty");
    }
  }

  /** {@code host:port}, {@code [v6]:port}, or {@code unknown} for no address. */
  static String hostPort(InetSocketAddress address) {
    if (address == null) {
      return "unknown";
    }
    InetAddress ip = address.getAddress();
    String host = ip != null && !address.isUnresolved() ? ip.getHostAddress() : address.getHostString();
    if (ip instanceof Inet6Address || host.indexOf(':') >= 0) {
      int scope = host.indexOf('%');
      host = "[" + (scope >= 0 ? host.substring(0, scope) : host) + "]";
    }
    return host + ":" + address.getPort();
  }
}
