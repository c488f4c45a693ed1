package dev.ftcp;

import dev.ftcp.internal.IoGroup;
import dev.ftcp.internal.codec.FrameCodec;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Executor;

/**
 * Every setting of a connection or listener, immutable and validated once, when built.
 *
 * <p>Each default is named beside its setting in {@link Builder}. Settings that make no sense
 * for one side are ignored there (a listener does not redial; a client has no idle timeout).
 * Both peers must agree on {@link Builder#bigFrames(boolean)}.
 *
 * <p>Thread-safe: an {@code Options} can be shared by any number of connections.
 */
public final class Options {
  /** Largest frame (length N, not counting the prefix) without big frames: 65535. */
  public static final int MAX_SMALL_FRAME_LENGTH = 0xFFFF;
  /** Default {@code maxFrameLength} with big frames: 16 MiB. */
  public static final int DEFAULT_BIG_FRAME_LENGTH = 16 << 20;

  private static final Options DEFAULTS = builder().build();

  private final Duration redialTimeout;
  private final Duration redialBackoff;
  private final Duration maxRedialBackoff;
  private final int writeQueueDepth;
  private final int readerBufferDepth;
  private final boolean bigFrames;
  private final int maxFrameLength;
  // What the builder was told: -1 when derived from bigFrames, so that toBuilder() re-derives it.
  private final int maxFrameLengthSetting;
  private final Duration closeLinger;
  private final Duration writeTimeout;
  private final Duration idleTimeout;
  private final Duration connectTimeout;
  private final int maxConnections;
  private final int acceptQueueDepth;
  private final boolean keepAlive;
  private final TlsConfig tls;
  private final ConnStateListener stateListener;
  private final Executor callbackExecutor;

  private Options(Builder b, int maxFrameLength) {
    this.redialTimeout = b.redialTimeout;
    this.redialBackoff = b.redialBackoff;
    this.maxRedialBackoff = b.maxRedialBackoff;
    this.writeQueueDepth = b.writeQueueDepth;
    this.readerBufferDepth = b.readerBufferDepth;
    this.bigFrames = b.bigFrames;
    this.maxFrameLength = maxFrameLength;
    this.maxFrameLengthSetting = b.maxFrameLength;
    this.closeLinger = b.closeLinger;
    this.writeTimeout = b.writeTimeout;
    this.idleTimeout = b.idleTimeout;
    this.connectTimeout = b.connectTimeout;
    this.maxConnections = b.maxConnections;
    this.acceptQueueDepth = b.acceptQueueDepth;
    this.keepAlive = b.keepAlive;
    this.tls = b.tls;
    this.stateListener = b.stateListener;
    this.callbackExecutor = b.callbackExecutor;
  }

  /** The defaults: every setting as {@link Builder} documents it. */
  public static Options defaults() {
    return DEFAULTS;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** A builder that starts from these settings. */
  public Builder toBuilder() {
    return new Builder(this);
  }

  public Duration redialTimeout() {
    return redialTimeout;
  }

  public Duration redialBackoff() {
    return redialBackoff;
  }

  public Duration maxRedialBackoff() {
    return maxRedialBackoff;
  }

  public int writeQueueDepth() {
    return writeQueueDepth;
  }

  public int readerBufferDepth() {
    return readerBufferDepth;
  }

  public boolean bigFrames() {
    return bigFrames;
  }

  /** Largest accepted frame length N (not counting the length prefix). */
  public int maxFrameLength() {
    return maxFrameLength;
  }

  /** Largest payload a frame may carry: {@code maxFrameLength - 16}. */
  public int maxPayloadLength() {
    return maxFrameLength - 16;
  }

  public Duration closeLinger() {
    return closeLinger;
  }

  public Duration writeTimeout() {
    return writeTimeout;
  }

  /** {@link Duration#ZERO} when off. */
  public Duration idleTimeout() {
    return idleTimeout;
  }

  public Duration connectTimeout() {
    return connectTimeout;
  }

  /** {@link Integer#MAX_VALUE} when unlimited. */
  public int maxConnections() {
    return maxConnections;
  }

  public int acceptQueueDepth() {
    return acceptQueueDepth;
  }

  public boolean keepAlive() {
    return keepAlive;
  }

  /** {@code null} for plain TCP. */
  public TlsConfig tls() {
    return tls;
  }

  public ConnStateListener stateListener() {
    return stateListener;
  }

  public Executor callbackExecutor() {
    return callbackExecutor;
  }

  @Override
  public String toString() {
    return "Options{redialTimeout=" + redialTimeout + ", redialBackoff=" + redialBackoff
        + ", maxRedialBackoff=" + maxRedialBackoff + ", writeQueueDepth=" + writeQueueDepth
        + ", readerBufferDepth=" + readerBufferDepth + ", bigFrames=" + bigFrames
        + ", maxFrameLength=" + maxFrameLength + ", closeLinger=" + closeLinger
        + ", writeTimeout=" + writeTimeout + ", idleTimeout=" + idleTimeout
        + ", connectTimeout=" + connectTimeout + ", maxConnections=" + maxConnections
        + ", acceptQueueDepth=" + acceptQueueDepth + ", keepAlive=" + keepAlive
        + ", tls=" + (tls != null) + "}";
  }

  /**
   * Builds {@link Options}. Each setter checks its argument at once and names the bad value;
   * {@link #build()} checks the settings against each other. Not thread-safe.
   */
  public static final class Builder {
    private Duration redialTimeout = Ftcp.DEFAULT_REDIAL_TIMEOUT; // 60 s
    private Duration redialBackoff = Ftcp.DEFAULT_REDIAL_BACKOFF; // 20 ms
    private Duration maxRedialBackoff = Duration.ofSeconds(2);
    private int writeQueueDepth = Ftcp.DEFAULT_WRITE_QUEUE_DEPTH; // 1000
    private int readerBufferDepth = 1000;
    private boolean bigFrames = false;
    private int maxFrameLength = -1; // derived from bigFrames unless set
    private Duration closeLinger = Duration.ofSeconds(2);
    private Duration writeTimeout = Duration.ofSeconds(30);
    private Duration idleTimeout = Duration.ZERO; // off: ftcp has no heartbeat
    private Duration connectTimeout = Duration.ofSeconds(10);
    private int maxConnections = Integer.MAX_VALUE; // unlimited
    private int acceptQueueDepth = 1024;
    private boolean keepAlive = true;
    private TlsConfig tls = null;
    private ConnStateListener stateListener = ConnStateListener.NONE;
    private Executor callbackExecutor = IoGroup.DEFAULT_CALLBACKS;

    private Builder() {}

    private Builder(Options o) {
      redialTimeout = o.redialTimeout;
      redialBackoff = o.redialBackoff;
      maxRedialBackoff = o.maxRedialBackoff;
      writeQueueDepth = o.writeQueueDepth;
      readerBufferDepth = o.readerBufferDepth;
      bigFrames = o.bigFrames;
      maxFrameLength = o.maxFrameLengthSetting;
      closeLinger = o.closeLinger;
      writeTimeout = o.writeTimeout;
      idleTimeout = o.idleTimeout;
      connectTimeout = o.connectTimeout;
      maxConnections = o.maxConnections;
      acceptQueueDepth = o.acceptQueueDepth;
      keepAlive = o.keepAlive;
      tls = o.tls;
      stateListener = o.stateListener;
      callbackExecutor = o.callbackExecutor;
    }

    /** How long a client keeps redialing after a failure before it gives up. Default 60 s. */
    public Builder redialTimeout(Duration d) {
      redialTimeout = positive("redialTimeout", d);
      return this;
    }

    /** The wait after the first failed redial attempt; doubles after each. Default 20 ms. */
    public Builder redialBackoff(Duration d) {
      redialBackoff = positive("redialBackoff", d);
      return this;
    }

    /** The longest wait between redial attempts. Default 2 s. */
    public Builder maxRedialBackoff(Duration d) {
      maxRedialBackoff = positive("maxRedialBackoff", d);
      return this;
    }

    /** Messages {@code write} may queue before it blocks. Default 1000. */
    public Builder writeQueueDepth(int n) {
      writeQueueDepth = atLeast("writeQueueDepth", n, 1);
      return this;
    }

    /** Messages each reader (and the backlog) buffers before socket reading pauses. Default 1000. */
    public Builder readerBufferDepth(int n) {
      readerBufferDepth = atLeast("readerBufferDepth", n, 1);
      return this;
    }

    /** A 4-byte length prefix instead of 2; both peers must agree. Default off. */
    public Builder bigFrames(boolean on) {
      bigFrames = on;
      return this;
    }

    /**
     * Largest frame length N accepted and written, not counting the prefix. Default 65535, or
     * 16 MiB with big frames. At least 16 (the two ID slots); at most 65535 without big frames,
     * and at most 2^31-9 with them (a frame is buffered whole, and Java arrays stop there).
     */
    public Builder maxFrameLength(int n) {
      maxFrameLength = atLeast("maxFrameLength", n, FrameCodec.SLOTS_LENGTH);
      if (n > FrameCodec.MAX_FRAME_LENGTH) {
        throw new IllegalArgumentException(
            "maxFrameLength must be at most " + FrameCodec.MAX_FRAME_LENGTH + ", was " + n);
      }
      return this;
    }

    /** How long {@code close()} waits for queued messages to be sent. Default 2 s. */
    public Builder closeLinger(Duration d) {
      closeLinger = notNegative("closeLinger", d);
      return this;
    }

    /**
     * When data waits for the socket and the socket takes no byte for this long, the connection
     * is failed (a client redials). Default 30 s; {@link Duration#ZERO} turns it off.
     */
    public Builder writeTimeout(Duration d) {
      writeTimeout = notNegative("writeTimeout", d);
      return this;
    }

    /**
     * A server connection that receives no whole message for this long is closed. Only whole
     * messages count, so a peer that trickles a frame in byte by byte is closed like a silent
     * one (and one large frame must arrive within this time); time while reading is paused
     * because this side's readers are full does not count. Default off ({@link Duration#ZERO}):
     * ftcp has no heartbeat, so a quiet connection is normal.
     */
    public Builder idleTimeout(Duration d) {
      idleTimeout = notNegative("idleTimeout", d);
      return this;
    }

    /** How long one dial attempt may take. Default 10 s. */
    public Builder connectTimeout(Duration d) {
      connectTimeout = positive("connectTimeout", d);
      return this;
    }

    /**
     * Connections a listener holds at once; past it, new ones are accepted, closed and counted.
     * Default unlimited.
     */
    public Builder maxConnections(int n) {
      maxConnections = atLeast("maxConnections", n, 1);
      return this;
    }

    /**
     * Accepted connections a listener holds for {@code accept()} before it stops accepting (the
     * kernel's backlog then takes over). Default 1024.
     */
    public Builder acceptQueueDepth(int n) {
      acceptQueueDepth = atLeast("acceptQueueDepth", n, 1);
      return this;
    }

    /** TCP keepalive on the socket. Default on. */
    public Builder keepAlive(boolean on) {
      keepAlive = on;
      return this;
    }

    /** TLS settings, or {@code null} for plain TCP. Default plain TCP. */
    public Builder tls(TlsConfig t) {
      tls = t;
      return this;
    }

    /** Told of a client connection's state changes, on the callback executor. Default none. */
    public Builder stateListener(ConnStateListener l) {
      stateListener = Objects.requireNonNull(l, "stateListener");
      return this;
    }

    /**
     * Runs what belongs to the application: state listener calls, {@code requestAsync} and
     * {@code readAsync} completions. Default: ftcp's own pool of max(2, available processors)
     * daemon threads named {@code ftcp-callback-…}, started with the first connection or
     * listener and stopped with the last (a completion that races the last close runs on
     * {@link java.util.concurrent.ForkJoinPool#commonPool()}). Callbacks may block briefly; one
     * that blocks for long holds up others on this pool, so give such work its own executor.
     *
     * <p>A direct executor ({@code Runnable::run}) runs each callback where it arises, mostly
     * on the connection's I/O thread, as a Netty handler runs: no thread hand-off per
     * completion, which is what a server answering many connections with {@code readAsync}, or
     * a pipelined {@code requestAsync} client, spends most of its time on (see
     * docs/BENCHMARKS.md). Such callbacks must not block: they hold up every connection on that
     * thread. There {@code write} and {@code requestAsync} queue as usual but throw
     * {@link IllegalStateException} instead of waiting when the write queue is full, and calls
     * that always wait ({@code request}, {@code Reader.read}, {@code Listener.accept}) throw.
     * Timed-out requests complete on ftcp's timer thread.
     */
    public Builder callbackExecutor(Executor e) {
      callbackExecutor = Objects.requireNonNull(e, "callbackExecutor");
      return this;
    }

    /**
     * @throws IllegalArgumentException when settings contradict each other, naming them
     */
    public Options build() {
      if (maxRedialBackoff.compareTo(redialBackoff) < 0) {
        throw new IllegalArgumentException("maxRedialBackoff (" + maxRedialBackoff
            + ") is shorter than redialBackoff (" + redialBackoff + ")");
      }
      if (!bigFrames && maxFrameLength > MAX_SMALL_FRAME_LENGTH) {
        throw new IllegalArgumentException("maxFrameLength " + maxFrameLength
            + " needs bigFrames(true): a 2-byte length prefix holds at most 65535");
      }
      int frameLength = maxFrameLength >= 0 ? maxFrameLength
          : bigFrames ? DEFAULT_BIG_FRAME_LENGTH : MAX_SMALL_FRAME_LENGTH;
      return new Options(this, frameLength);
    }

    private static Duration positive(String name, Duration d) {
      Objects.requireNonNull(d, name);
      if (d.isNegative() || d.isZero()) {
        throw new IllegalArgumentException(name + " must be positive, was " + d);
      }
      return d;
    }

    private static Duration notNegative(String name, Duration d) {
      Objects.requireNonNull(d, name);
      if (d.isNegative()) {
        throw new IllegalArgumentException(name + " must not be negative, was " + d);
      }
      return d;
    }

    private static int atLeast(String name, int n, int min) {
      if (n < min) {
        throw new IllegalArgumentException(name + " must be at least " + min + ", was " + n);
      }
      return n;
    }
  }
}
