package dev.ftcp;

import dev.ftcp.internal.Defaults;
import dev.ftcp.internal.conn.Endpoints;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * Entry point: dial and listen, over TCP or TLS.
 *
 * <p>Addresses are {@code host:port}, {@code [ipv6]:port}, or {@code :port} for all interfaces
 * (listen only). An address that does not parse throws {@link IllegalArgumentException} naming
 * it. Every method here blocks until the connection is established or the socket bound, and so
 * throws {@link IllegalStateException} on one of ftcp's own I/O threads (a callback of a direct
 * callback executor), where waiting could deadlock. Thread-safe.
 */
public final class Ftcp {
  /** Messages {@code write} may queue before blocking, by default: {@value}. */
  public static final int DEFAULT_WRITE_QUEUE_DEPTH = Defaults.WRITE_QUEUE_DEPTH;
  /** The wait after the first failed redial attempt, by default (see {@link Options}). */
  public static final Duration DEFAULT_REDIAL_BACKOFF = Defaults.REDIAL_BACKOFF;
  /** How long a client redials before giving up, by default (see {@link Options}). */
  public static final Duration DEFAULT_REDIAL_TIMEOUT = Defaults.REDIAL_TIMEOUT;

  private Ftcp() {}

  /**
   * Opens a plain TCP client connection with the default options; it redials when the link
   * breaks. As {@link #dial(String, Options)}.
   *
   * @param address {@code host:port} or {@code [ipv6]:port}
   * @return the established connection
   * @throws NullPointerException when {@code address} is null
   * @throws IllegalArgumentException when the address does not parse or names no host
   * @throws IllegalStateException on one of ftcp's I/O threads
   * @throws java.net.ConnectException when nothing listens there (no redial: redial is only
   *     for a connection that was established)
   * @throws FtcpTimeoutException when dialing took longer than the connect timeout allows
   * @throws java.io.InterruptedIOException when the thread is interrupted while dialing
   * @throws IOException when the first dial fails otherwise (the host does not resolve, the
   *     connect timeout passes, the connection closes while opening)
   */
  public static Conn dial(String address) throws IOException {
    return dial(address, Options.defaults());
  }

  /**
   * Opens a TLS client connection with the default options and this TLS config; it redials
   * when the link breaks. As {@link #dial(String, Options)}.
   *
   * @param address {@code host:port} or {@code [ipv6]:port}
   * @param tls a client config ({@link TlsConfig#client()})
   * @return the established connection, its handshake done
   * @throws NullPointerException when {@code address} or {@code tls} is null
   * @throws IllegalArgumentException when the address does not parse or names no host, or
   *     {@code tls} is a server config
   * @throws IllegalStateException on one of ftcp's I/O threads
   * @throws java.net.ConnectException when nothing listens there
   * @throws javax.net.ssl.SSLException when the handshake fails, for instance because the
   *     server's certificate is not trusted or does not name the host
   * @throws FtcpTimeoutException when dialing took longer than the connect and handshake
   *     timeouts allow
   * @throws java.io.InterruptedIOException when the thread is interrupted while dialing
   * @throws IOException when the first dial fails otherwise
   */
  public static Conn dialTls(String address, TlsConfig tls) throws IOException {
    Objects.requireNonNull(tls, "tls");
    return dial(address, Options.builder().tls(tls).build());
  }

  /**
   * Opens a client connection with these options (TLS when {@code options.tls()} is set).
   * Blocks until the first dial succeeds or fails: at most the connect timeout, plus the
   * handshake timeout for TLS, plus a second. Only a connection that was established redials;
   * a first dial that fails throws.
   *
   * @param address {@code host:port} or {@code [ipv6]:port}
   * @param options the connection's settings
   * @return the established connection
   * @throws NullPointerException when {@code address} or {@code options} is null
   * @throws IllegalArgumentException when the address does not parse or names no host, or
   *     {@code options.tls()} is a server config
   * @throws IllegalStateException on one of ftcp's I/O threads
   * @throws java.net.ConnectException when nothing listens there
   * @throws javax.net.ssl.SSLException when a TLS handshake fails
   * @throws FtcpTimeoutException when dialing took longer than the timeouts allow
   * @throws java.io.InterruptedIOException when the thread is interrupted while dialing
   * @throws IOException when the first dial fails otherwise (the host does not resolve, the
   *     connect timeout passes, the connection closes while opening)
   */
  public static Conn dial(String address, Options options) throws IOException {
    Objects.requireNonNull(address, "address");
    return Endpoints.dial(address, Objects.requireNonNull(options, "options"));
  }

  /**
   * Dials the first of several servers that answers, as {@link #dial(String, Options)} dials
   * one: failover. The first dial tries the addresses in order, once each, until one answers;
   * when a link breaks, each redial moves on to the next address (after the last, the first
   * again), with the same backoff and {@code redialTimeout} as with one server.
   * {@link Conn#remoteAddress()} and {@link ConnStateListener#redialed} tell which server is in
   * use. Blocks until connected or failed.
   *
   * @param addresses the servers, {@code host:port} each, in the order to try them
   * @param options the connection's settings
   * @return the established connection
   * @throws NullPointerException when {@code addresses}, one of them, or {@code options} is null
   * @throws IllegalArgumentException when {@code addresses} is empty, one does not parse or names
   *     no host, or {@code options.tls()} is a server config
   * @throws IllegalStateException on one of ftcp's I/O threads
   * @throws java.net.ConnectException when nothing listens at any of them (the last one's error)
   * @throws javax.net.ssl.SSLException when the last one's TLS handshake fails
   * @throws FtcpTimeoutException when dialing took longer than the timeouts allow
   * @throws java.io.InterruptedIOException when the thread is interrupted while dialing
   * @throws IOException when the first dial fails otherwise, at every address
   */
  public static Conn dial(List<String> addresses, Options options) throws IOException {
    Objects.requireNonNull(addresses, "addresses");
    return Endpoints.dial(new java.util.ArrayList<>(addresses),
        Objects.requireNonNull(options, "options"));
  }

  /**
   * Listens for plain TCP connections with the default options. As
   * {@link #listen(String, Options)}.
   *
   * @param address {@code host:port}, {@code [ipv6]:port} or {@code :port}; port 0 lets the
   *     system choose
   * @return the listener
   * @throws NullPointerException when {@code address} is null
   * @throws IllegalArgumentException when the address does not parse or its host is unknown
   * @throws IllegalStateException on one of ftcp's I/O threads
   * @throws IOException when the socket cannot be bound, for instance because the address is
   *     in use or not local
   */
  public static Listener listen(String address) throws IOException {
    return listen(address, Options.defaults());
  }

  /**
   * Listens for TLS connections with the default options and this TLS config. As
   * {@link #listen(String, Options)}.
   *
   * @param address {@code host:port}, {@code [ipv6]:port} or {@code :port}; port 0 lets the
   *     system choose
   * @param tls a server config ({@link TlsConfig#server(java.nio.file.Path, java.nio.file.Path)}
   *     and its siblings)
   * @return the listener
   * @throws NullPointerException when {@code address} or {@code tls} is null
   * @throws IllegalArgumentException when the address does not parse or its host is unknown, or
   *     {@code tls} is a client config
   * @throws IllegalStateException on one of ftcp's I/O threads
   * @throws IOException when the socket cannot be bound, for instance because the address is
   *     in use or not local
   */
  public static Listener listenTls(String address, TlsConfig tls) throws IOException {
    Objects.requireNonNull(tls, "tls");
    return listen(address, Options.builder().tls(tls).build());
  }

  /**
   * Listens with these options (TLS when {@code options.tls()} is set). Blocks until the socket
   * is bound; connections are then accepted in the background, for {@link Listener#accept()}.
   *
   * @param address {@code host:port}, {@code [ipv6]:port} or {@code :port}; port 0 lets the
   *     system choose
   * @param options the settings of the listener and of the connections it accepts
   * @return the listener
   * @throws NullPointerException when {@code address} or {@code options} is null
   * @throws IllegalArgumentException when the address does not parse or its host is unknown, or
   *     {@code options.tls()} is a client config
   * @throws IllegalStateException on one of ftcp's I/O threads
   * @throws IOException when the socket cannot be bound, for instance because the address is
   *     in use or not local
   */
  public static Listener listen(String address, Options options) throws IOException {
    Objects.requireNonNull(address, "address");
    return Endpoints.listen(address, Objects.requireNonNull(options, "options"));
  }
}
