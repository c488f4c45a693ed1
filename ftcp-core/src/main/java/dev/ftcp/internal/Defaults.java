package dev.ftcp.internal;

import java.time.Duration;

/**
 * Every default of ftcp's settings, in one place: {@link dev.ftcp.Options} and its builder,
 * {@link dev.ftcp.TlsConfig}, the public {@code DEFAULT_*} constants and the I/O group's system
 * properties all take their values from here. Public only because those classes live in other
 * packages; this package is not exported. The table in {@code Options}' class documentation
 * tells users the same values: change both together.
 *
 * <p>The defaults that are objects rather than values (no state listener, ftcp's callback pool,
 * plain TCP) stay where those objects are made, to keep this class free of class-initialization
 * cycles with them.
 */
public final class Defaults {
  private Defaults() {}

  /** How long a client redials after the link broke before it gives up. */
  public static final Duration REDIAL_TIMEOUT = Duration.ofSeconds(60);
  /** The wait after the first failed redial attempt. */
  public static final Duration REDIAL_BACKOFF = Duration.ofMillis(20);
  /** The longest wait between redial attempts. */
  public static final Duration MAX_REDIAL_BACKOFF = Duration.ofSeconds(2);
  /** Messages {@code write} may queue before it waits. */
  public static final int WRITE_QUEUE_DEPTH = 1000;
  /** Messages each reader (and the backlog) buffers before socket reading pauses. */
  public static final int READER_BUFFER_DEPTH = 1000;
  /** 2-byte length prefixes, as the Go package by default. */
  public static final boolean BIG_FRAMES = false;
  /**
   * {@code maxFrameLength} with big frames: 16 MiB. Without them it is the most a 2-byte prefix
   * holds, {@link dev.ftcp.Options#MAX_SMALL_FRAME_LENGTH}, a limit rather than a choice.
   */
  public static final int BIG_FRAME_LENGTH = 16 << 20;
  /** Off: resumable sessions are an extension both peers must opt in to. */
  public static final boolean RESUMABLE = false;
  /** How long a server keeps a resumable session whose link broke, waiting for its client. */
  public static final Duration RESUME_TIMEOUT = Duration.ofSeconds(60);
  /** How long {@code close()} waits for queued messages to be sent. */
  public static final Duration CLOSE_LINGER = Duration.ofSeconds(2);
  /** How long the socket may take no byte of waiting data before the connection fails. */
  public static final Duration WRITE_TIMEOUT = Duration.ofSeconds(30);
  /** Off: ftcp has no heartbeat, so a quiet connection is normal. */
  public static final Duration IDLE_TIMEOUT = Duration.ZERO;
  /** How long one dial attempt may take. */
  public static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);
  /** Unlimited. */
  public static final int MAX_CONNECTIONS = Integer.MAX_VALUE;
  /** Accepted connections a listener holds for {@code accept()}. */
  public static final int ACCEPT_QUEUE_DEPTH = 1024;
  /** TCP keepalive on every socket. */
  public static final boolean KEEP_ALIVE = true;
  /** How long a TLS handshake may take. */
  public static final Duration HANDSHAKE_TIMEOUT = Duration.ofSeconds(10);

  /** System property: the number of I/O threads shared by every connection and listener. */
  public static final String IO_THREADS_PROPERTY = "dev.ftcp.ioThreads";
  /** System property: the number of threads of the default callback executor. */
  public static final String CALLBACK_THREADS_PROPERTY = "dev.ftcp.callbackThreads";

  /** I/O threads when {@value #IO_THREADS_PROPERTY} is not set: one per processor. */
  public static int ioThreads() {
    return Runtime.getRuntime().availableProcessors();
  }

  /**
   * Callback threads when {@value #CALLBACK_THREADS_PROPERTY} is not set: one per processor and
   * at least two, so that one callback that blocks does not hold up every connection's
   * completions, as a single thread on a 2-core machine would.
   */
  public static int callbackThreads() {
    return Math.max(2, Runtime.getRuntime().availableProcessors());
  }
}
