package dev.ftcp;

import dev.ftcp.internal.Defaults;
import dev.ftcp.internal.conn.Endpoints;
import java.io.IOException;
import java.time.Duration;
import java.util.Objects;

/**
 * Entry point: dial and listen, over TCP or TLS.
 *
 * <p>Addresses are {@code host:port}, {@code [ipv6]:port}, or {@code :port} for all interfaces
 * (listen only). An address that does not parse throws {@link IllegalArgumentException} naming
 * it. Thread-safe.
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
   * Opens a plain TCP client connection that redials when the link breaks.
   *
   * @throws java.net.ConnectException when nothing listens there (no redial: redial is only
   *     for a connection that was established)
   */
  public static Conn dial(String address) throws IOException {
    return dial(address, Options.defaults());
  }

  /** Opens a TLS client connection that redials when the link breaks. */
  public static Conn dialTls(String address, TlsConfig tls) throws IOException {
    Objects.requireNonNull(tls, "tls");
    return dial(address, Options.builder().tls(tls).build());
  }

  /** Opens a client connection with these options (TLS when {@code options.tls()} is set). */
  public static Conn dial(String address, Options options) throws IOException {
    Objects.requireNonNull(address, "address");
    return Endpoints.dial(address, Objects.requireNonNull(options, "options"));
  }

  /** Listens for plain TCP connections. */
  public static Listener listen(String address) throws IOException {
    return listen(address, Options.defaults());
  }

  /** Listens for TLS connections. */
  public static Listener listenTls(String address, TlsConfig tls) throws IOException {
    Objects.requireNonNull(tls, "tls");
    return listen(address, Options.builder().tls(tls).build());
  }

  /** Listens with these options (TLS when {@code options.tls()} is set). */
  public static Listener listen(String address, Options options) throws IOException {
    Objects.requireNonNull(address, "address");
    return Endpoints.listen(address, Objects.requireNonNull(options, "options"));
  }
}
