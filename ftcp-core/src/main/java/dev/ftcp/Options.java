package dev.ftcp;

import dev.ftcp.internal.Defaults;
import dev.ftcp.internal.IoGroup;
import dev.ftcp.internal.codec.FrameCodec;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Executor;

/**
 * Every setting of a connection or listener, immutable and validated once, when built.
 *
 * <p>Settings that make no sense for one side are ignored there (a listener does not redial; a
 * client has no idle timeout). Both peers must agree on {@link Builder#bigFrames(boolean)}.
 * Every default, and the system properties ftcp reads, in one table:
 *
 * <table class="striped">
 *   <caption>Settings and their defaults</caption>
 *   <thead>
 *     <tr><th scope="col">Setting</th><th scope="col">Default</th>
 *       <th scope="col">What it does</th></tr>
 *   </thead>
 *   <tbody>
 *     <tr><th scope="row">{@link Builder#redialTimeout redialTimeout}</th><td>60 s</td>
 *       <td>How long a client keeps redialing after the link broke before it gives up.</td></tr>
 *     <tr><th scope="row">{@link Builder#redialBackoff redialBackoff}</th><td>20 ms</td>
 *       <td>The wait after the first failed redial attempt; it doubles after each, up to
 *       {@code maxRedialBackoff}, each wait scaled by a random factor in [0.8, 1.2).</td></tr>
 *     <tr><th scope="row">{@link Builder#maxRedialBackoff maxRedialBackoff}</th><td>2 s</td>
 *       <td>The longest wait between redial attempts.</td></tr>
 *     <tr><th scope="row">{@link Builder#writeQueueDepth writeQueueDepth}</th><td>1000</td>
 *       <td>Messages written and not yet handed to the socket; when full, {@code write} waits
 *       and {@code tryWrite} returns -1.</td></tr>
 *     <tr><th scope="row">{@link Builder#readerBufferDepth readerBufferDepth}</th><td>1000</td>
 *       <td>Messages each reader (and the backlog kept while no reader is open) buffers before
 *       the connection stops reading its socket.</td></tr>
 *     <tr><th scope="row">{@link Builder#bigFrames bigFrames}</th><td>off</td>
 *       <td>A 4-byte length prefix instead of 2; both peers must agree.</td></tr>
 *     <tr><th scope="row">{@link Builder#maxFrameLength maxFrameLength}</th>
 *       <td>65535; 16 MiB with big frames</td>
 *       <td>Largest frame length accepted and written, not counting the prefix; a payload may be
 *       16 bytes shorter.</td></tr>
 *     <tr><th scope="row">{@link Builder#resumable resumable}</th><td>off</td>
 *       <td>Resumable sessions: nothing lost, duplicated or reordered across link failures;
 *       both peers must agree (docs/PROTOCOL.md §14.1).</td></tr>
 *     <tr><th scope="row">{@link Builder#resumeTimeout resumeTimeout}</th><td>60 s</td>
 *       <td>How long a server keeps a resumable session whose link broke.</td></tr>
 *     <tr><th scope="row">{@link Builder#closeLinger closeLinger}</th><td>2 s</td>
 *       <td>How long {@code close()} waits for queued messages to be sent.</td></tr>
 *     <tr><th scope="row">{@link Builder#writeTimeout writeTimeout}</th><td>30 s</td>
 *       <td>A connection whose socket takes no byte of waiting data for this long is failed (a
 *       client redials); 0 turns it off.</td></tr>
 *     <tr><th scope="row">{@link Builder#idleTimeout idleTimeout}</th><td>off (0)</td>
 *       <td>A server connection that receives no whole message for this long is closed.</td></tr>
 *     <tr><th scope="row">{@link Builder#connectTimeout connectTimeout}</th><td>10 s</td>
 *       <td>How long one dial attempt may take.</td></tr>
 *     <tr><th scope="row">{@link Builder#maxConnections maxConnections}</th><td>unlimited</td>
 *       <td>Connections a listener holds at once; past it, new ones are closed and
 *       counted.</td></tr>
 *     <tr><th scope="row">{@link Builder#acceptQueueDepth acceptQueueDepth}</th><td>1024</td>
 *       <td>Connections a listener holds for {@code accept()} before it stops accepting.</td></tr>
 *     <tr><th scope="row">{@link Builder#keepAlive keepAlive}</th><td>on</td>
 *       <td>TCP keepalive on every socket.</td></tr>
 *     <tr><th scope="row">{@link Builder#tls tls}</th><td>none: plain TCP</td>
 *       <td>TLS settings of a client or a server.</td></tr>
 *     <tr><th scope="row">{@link Builder#stateListener stateListener}</th>
 *       <td>{@link ConnStateListener#NONE}</td>
 *       <td>Told of a connection's state changes.</td></tr>
 *     <tr><th scope="row">{@link Builder#callbackExecutor callbackExecutor}</th>
 *       <td>ftcp's callback pool</td>
 *       <td>Runs state listener calls and asynchronous completions.</td></tr>
 *     <tr><th scope="row">{@link TlsConfig.Builder#handshakeTimeout
 *       TlsConfig.Builder.handshakeTimeout}</th><td>10 s</td>
 *       <td>How long a TLS handshake may take.</td></tr>
 *     <tr><th scope="row">{@link TlsConfig.Builder#provider TlsConfig.Builder.provider}</th>
 *       <td>{@link TlsConfig.Provider#AUTO AUTO}</td>
 *       <td>The TLS implementation: OpenSSL where it loads, the JDK's otherwise.</td></tr>
 *     <tr><th scope="row">system property {@code dev.ftcp.ioThreads}</th>
 *       <td>available processors</td>
 *       <td>I/O threads shared by every connection and listener of the JVM; read once, when
 *       ftcp's I/O group is first used.</td></tr>
 *     <tr><th scope="row">system property {@code dev.ftcp.callbackThreads}</th>
 *       <td>available processors, at least 2</td>
 *       <td>Threads of ftcp's callback pool, the default {@code callbackExecutor}; read
 *       once, when ftcp's I/O group is first used.</td></tr>
 *   </tbody>
 * </table>
 *
 * <p>Thread-safe: an {@code Options} can be shared by any number of connections. No method of
 * this class or of its builder blocks.
 */
public final class Options {
  /**
   * Largest frame (length N, not counting the prefix) without big frames, what a 2-byte prefix
   * holds: {@value}. It is also the default {@code maxFrameLength} without big frames.
   */
  public static final int MAX_SMALL_FRAME_LENGTH = 0xFFFF;
  /** Default {@code maxFrameLength} with big frames: {@value} (16 MiB). */
  public static final int DEFAULT_BIG_FRAME_LENGTH = Defaults.BIG_FRAME_LENGTH;

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
  private final boolean resumable;
  private final Duration resumeTimeout;
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
    this.resumable = b.resumable;
    this.resumeTimeout = b.resumeTimeout;
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

  /**
   * The defaults: every setting as the table above gives it.
   *
   * @return the default options, one shared instance
   */
  public static Options defaults() {
    return DEFAULTS;
  }

  /**
   * A builder that starts from the defaults.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * A builder that starts from these settings.
   *
   * @return a new builder
   */
  public Builder toBuilder() {
    return new Builder(this);
  }

  /**
   * How long a client redials before it gives up.
   *
   * @return the setting
   */
  public Duration redialTimeout() {
    return redialTimeout;
  }

  /**
   * The wait after the first failed redial attempt.
   *
   * @return the setting
   */
  public Duration redialBackoff() {
    return redialBackoff;
  }

  /**
   * The longest wait between redial attempts.
   *
   * @return the setting
   */
  public Duration maxRedialBackoff() {
    return maxRedialBackoff;
  }

  /**
   * Messages the write queue holds.
   *
   * @return the setting
   */
  public int writeQueueDepth() {
    return writeQueueDepth;
  }

  /**
   * Messages each reader buffers before socket reading pauses.
   *
   * @return the setting
   */
  public int readerBufferDepth() {
    return readerBufferDepth;
  }

  /**
   * Whether frames have a 4-byte length prefix instead of 2.
   *
   * @return the setting
   */
  public boolean bigFrames() {
    return bigFrames;
  }

  /**
   * Largest accepted frame length N (not counting the length prefix).
   *
   * @return the setting, or the default derived from {@code bigFrames}
   */
  public int maxFrameLength() {
    return maxFrameLength;
  }

  /**
   * Largest payload a frame may carry: {@code maxFrameLength - 16}.
   *
   * @return the largest payload in bytes
   */
  public int maxPayloadLength() {
    return maxFrameLength - 16;
  }

  /**
   * Whether connections keep a resumable session across link failures.
   *
   * @return the setting
   */
  public boolean resumable() {
    return resumable;
  }

  /**
   * How long a server keeps a resumable session whose link broke.
   *
   * @return the setting
   */
  public Duration resumeTimeout() {
    return resumeTimeout;
  }

  /**
   * How long {@code close()} waits for queued messages to be sent.
   *
   * @return the setting
   */
  public Duration closeLinger() {
    return closeLinger;
  }

  /**
   * How long the socket may take no byte of waiting data before the
   * connection fails; {@link Duration#ZERO} when off.
   *
   * @return the setting
   */
  public Duration writeTimeout() {
    return writeTimeout;
  }

  /**
   * How long a server connection may receive no whole message before it is closed.
   *
   * @return the setting; {@link Duration#ZERO} when off
   */
  public Duration idleTimeout() {
    return idleTimeout;
  }

  /**
   * How long one dial attempt may take.
   *
   * @return the setting
   */
  public Duration connectTimeout() {
    return connectTimeout;
  }

  /**
   * Connections a listener holds at once.
   *
   * @return the setting; {@link Integer#MAX_VALUE} when unlimited
   */
  public int maxConnections() {
    return maxConnections;
  }

  /**
   * Accepted connections a listener holds for {@code accept()}.
   *
   * @return the setting
   */
  public int acceptQueueDepth() {
    return acceptQueueDepth;
  }

  /**
   * Whether TCP keepalive is on.
   *
   * @return the setting
   */
  public boolean keepAlive() {
    return keepAlive;
  }

  /**
   * The TLS settings.
   *
   * @return the setting; {@code null} for plain TCP
   */
  public TlsConfig tls() {
    return tls;
  }

  /**
   * Told of connections' state changes.
   *
   * @return the setting
   */
  public ConnStateListener stateListener() {
    return stateListener;
  }

  /**
   * Runs state listener calls and asynchronous completions.
   *
   * @return the setting
   */
  public Executor callbackExecutor() {
    return callbackExecutor;
  }

  /** The settings, for logs; of TLS only whether it is on. */
  @Override
  public String toString() {
    return "Options{redialTimeout=" + redialTimeout + ", redialBackoff=" + redialBackoff
        + ", maxRedialBackoff=" + maxRedialBackoff + ", writeQueueDepth=" + writeQueueDepth
        + ", readerBufferDepth=" + readerBufferDepth + ", bigFrames=" + bigFrames
        + ", maxFrameLength=" + maxFrameLength + ", resumable=" + resumable
        + ", resumeTimeout=" + resumeTimeout + ", closeLinger=" + closeLinger
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
    private Duration redialTimeout = Defaults.REDIAL_TIMEOUT;
    private Duration redialBackoff = Defaults.REDIAL_BACKOFF;
    private Duration maxRedialBackoff = Defaults.MAX_REDIAL_BACKOFF;
    private int writeQueueDepth = Defaults.WRITE_QUEUE_DEPTH;
    private int readerBufferDepth = Defaults.READER_BUFFER_DEPTH;
    private boolean bigFrames = Defaults.BIG_FRAMES;
    private int maxFrameLength = -1; // derived from bigFrames unless set
    private boolean resumable = Defaults.RESUMABLE;
    private Duration resumeTimeout = Defaults.RESUME_TIMEOUT;
    private Duration closeLinger = Defaults.CLOSE_LINGER;
    private Duration writeTimeout = Defaults.WRITE_TIMEOUT;
    private Duration idleTimeout = Defaults.IDLE_TIMEOUT;
    private Duration connectTimeout = Defaults.CONNECT_TIMEOUT;
    private int maxConnections = Defaults.MAX_CONNECTIONS;
    private int acceptQueueDepth = Defaults.ACCEPT_QUEUE_DEPTH;
    private boolean keepAlive = Defaults.KEEP_ALIVE;
    private TlsConfig tls = null; // plain TCP
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
      resumable = o.resumable;
      resumeTimeout = o.resumeTimeout;
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

    /**
     * How long a client keeps redialing after the link broke before it gives up.
     *
     * @param redialTimeout a positive duration
     * @return this builder
     * @throws NullPointerException when {@code redialTimeout} is null
     * @throws IllegalArgumentException when it is zero or negative
     */
    public Builder redialTimeout(Duration redialTimeout) {
      this.redialTimeout = positive("redialTimeout", redialTimeout);
      return this;
    }

    /**
     * The wait after the first failed redial attempt; it doubles after each, up to
     * {@link #maxRedialBackoff}, each wait scaled by a random factor in [0.8, 1.2).
     *
     * @param redialBackoff a positive duration
     * @return this builder
     * @throws NullPointerException when {@code redialBackoff} is null
     * @throws IllegalArgumentException when it is zero or negative
     */
    public Builder redialBackoff(Duration redialBackoff) {
      this.redialBackoff = positive("redialBackoff", redialBackoff);
      return this;
    }

    /**
     * The longest wait between redial attempts; {@link #build()} refuses one shorter than
     * {@link #redialBackoff}.
     *
     * @param maxRedialBackoff a positive duration
     * @return this builder
     * @throws NullPointerException when {@code maxRedialBackoff} is null
     * @throws IllegalArgumentException when it is zero or negative
     */
    public Builder maxRedialBackoff(Duration maxRedialBackoff) {
      this.maxRedialBackoff = positive("maxRedialBackoff", maxRedialBackoff);
      return this;
    }

    /**
     * Messages written and not yet handed to the socket; when the queue is full,
     * {@code write} waits and {@code tryWrite} returns -1.
     *
     * @param writeQueueDepth at least 1
     * @return this builder
     * @throws IllegalArgumentException when it is below 1
     */
    public Builder writeQueueDepth(int writeQueueDepth) {
      this.writeQueueDepth = atLeast("writeQueueDepth", writeQueueDepth, 1);
      return this;
    }

    /**
     * Messages each reader (and the backlog kept while no reader is open) buffers before the
     * connection stops reading its socket.
     *
     * @param readerBufferDepth at least 1
     * @return this builder
     * @throws IllegalArgumentException when it is below 1
     */
    public Builder readerBufferDepth(int readerBufferDepth) {
      this.readerBufferDepth = atLeast("readerBufferDepth", readerBufferDepth, 1);
      return this;
    }

    /**
     * A 4-byte length prefix instead of 2; both peers must agree.
     *
     * @param bigFrames true for 4-byte prefixes
     * @return this builder
     */
    public Builder bigFrames(boolean bigFrames) {
      this.bigFrames = bigFrames;
      return this;
    }

    /**
     * Largest frame length N accepted and written, not counting the prefix. Unless set, it is
     * {@link Options#MAX_SMALL_FRAME_LENGTH}, or {@link Options#DEFAULT_BIG_FRAME_LENGTH} with
     * big frames. At least 16 (the two ID slots); at most 65535 without big frames (checked by
     * {@link #build()}), and at most 2^31-9 with them (a frame is buffered whole, and Java
     * arrays stop there).
     *
     * @param maxFrameLength the limit in bytes
     * @return this builder
     * @throws IllegalArgumentException when it is below 16 or above 2^31-9
     */
    public Builder maxFrameLength(int maxFrameLength) {
      this.maxFrameLength = atLeast("maxFrameLength", maxFrameLength, FrameCodec.SLOTS_LENGTH);
      if (maxFrameLength > FrameCodec.MAX_FRAME_LENGTH) {
        throw new IllegalArgumentException("maxFrameLength must be at most "
            + FrameCodec.MAX_FRAME_LENGTH + ", was " + maxFrameLength);
      }
      return this;
    }

    /**
     * Resumable sessions: a client connection and its server keep a session across link
     * failures, so that every message arrives exactly once and in order in both directions, a
     * server connection outlives its link for {@link #resumeTimeout}, and a message stays in the
     * write queue until the peer acknowledges it. Both peers must agree: a resumable client's
     * dial fails against a server that is not, and a resumable server closes a client that is
     * not. Off, nothing on the wire changes. See docs/PROTOCOL.md §14.1.
     *
     * @param resumable true for resumable sessions
     * @return this builder
     */
    public Builder resumable(boolean resumable) {
      this.resumable = resumable;
      return this;
    }

    /**
     * How long a server keeps a resumable session whose link broke, for its client to resume
     * it; after that the server connection fails as a connection without a session does.
     *
     * @param resumeTimeout more than zero
     * @return this builder
     * @throws NullPointerException when {@code resumeTimeout} is null
     * @throws IllegalArgumentException when it is zero or negative
     */
    public Builder resumeTimeout(Duration resumeTimeout) {
      this.resumeTimeout = positive("resumeTimeout", resumeTimeout);
      return this;
    }

    /**
     * How long {@code close()} waits for queued messages to be sent.
     *
     * @param closeLinger zero or more; zero closes without waiting
     * @return this builder
     * @throws NullPointerException when {@code closeLinger} is null
     * @throws IllegalArgumentException when it is negative
     */
    public Builder closeLinger(Duration closeLinger) {
      this.closeLinger = notNegative("closeLinger", closeLinger);
      return this;
    }

    /**
     * When data waits for the socket and the socket takes no byte for this long, the connection
     * is failed (a client redials). The check is made once per {@code writeTimeout} while data
     * waits, so a stall is caught between one and two {@code writeTimeout}s after the socket's
     * last byte; a quiet connection keeps no timer.
     *
     * @param writeTimeout zero or more; {@link Duration#ZERO} turns it off
     * @return this builder
     * @throws NullPointerException when {@code writeTimeout} is null
     * @throws IllegalArgumentException when it is negative
     */
    public Builder writeTimeout(Duration writeTimeout) {
      this.writeTimeout = notNegative("writeTimeout", writeTimeout);
      return this;
    }

    /**
     * A server connection that receives no whole message for this long is closed. Only whole
     * messages count, so a peer that trickles a frame in byte by byte is closed like a silent
     * one (and one large frame must arrive within this time); time while reading is paused
     * because this side's readers are full does not count. Off by default: ftcp has no
     * heartbeat, so a quiet connection is normal.
     *
     * @param idleTimeout zero or more; {@link Duration#ZERO} turns it off
     * @return this builder
     * @throws NullPointerException when {@code idleTimeout} is null
     * @throws IllegalArgumentException when it is negative
     */
    public Builder idleTimeout(Duration idleTimeout) {
      this.idleTimeout = notNegative("idleTimeout", idleTimeout);
      return this;
    }

    /**
     * How long one dial attempt may take.
     *
     * @param connectTimeout a positive duration
     * @return this builder
     * @throws NullPointerException when {@code connectTimeout} is null
     * @throws IllegalArgumentException when it is zero or negative
     */
    public Builder connectTimeout(Duration connectTimeout) {
      this.connectTimeout = positive("connectTimeout", connectTimeout);
      return this;
    }

    /**
     * Connections a listener holds at once; past it, new ones are accepted, closed and counted.
     *
     * @param maxConnections at least 1; {@link Integer#MAX_VALUE} for no limit
     * @return this builder
     * @throws IllegalArgumentException when it is below 1
     */
    public Builder maxConnections(int maxConnections) {
      this.maxConnections = atLeast("maxConnections", maxConnections, 1);
      return this;
    }

    /**
     * Accepted connections a listener holds for {@code accept()} before it stops accepting (the
     * kernel's backlog then takes over).
     *
     * @param acceptQueueDepth at least 1
     * @return this builder
     * @throws IllegalArgumentException when it is below 1
     */
    public Builder acceptQueueDepth(int acceptQueueDepth) {
      this.acceptQueueDepth = atLeast("acceptQueueDepth", acceptQueueDepth, 1);
      return this;
    }

    /**
     * TCP keepalive on the socket.
     *
     * @param keepAlive true to turn it on
     * @return this builder
     */
    public Builder keepAlive(boolean keepAlive) {
      this.keepAlive = keepAlive;
      return this;
    }

    /**
     * TLS settings: a client config to dial, a server config to listen.
     *
     * @param tls the settings, or {@code null} for plain TCP
     * @return this builder
     */
    public Builder tls(TlsConfig tls) {
      this.tls = tls;
      return this;
    }

    /**
     * Told of connections' state changes, on the callback executor.
     *
     * @param stateListener the listener; {@link ConnStateListener#NONE} for none
     * @return this builder
     * @throws NullPointerException when {@code stateListener} is null
     */
    public Builder stateListener(ConnStateListener stateListener) {
      this.stateListener = Objects.requireNonNull(stateListener, "stateListener");
      return this;
    }

    /**
     * Runs what belongs to the application: state listener calls, {@code requestAsync} and
     * {@code readAsync} completions. Default: ftcp's own pool of daemon threads named
     * {@code ftcp-callback-…} (as many as the table above says), started with the first
     * connection or listener and stopped with the last (a completion that races the last close
     * runs on {@link java.util.concurrent.ForkJoinPool#commonPool()}). Callbacks may block
     * briefly; one that blocks for long holds up others on this pool, so give such work its own
     * executor.
     *
     * <p>A direct executor ({@code Runnable::run}) runs each callback where it arises, mostly
     * on the connection's I/O thread, as a Netty handler runs: no thread hand-off per
     * completion, which is what a server answering many connections with {@code readAsync}, or
     * a pipelined {@code requestAsync} client, spends most of its time on (see
     * docs/BENCHMARKS.md). Such callbacks must not block: they hold up every connection on that
     * thread. There {@code write} and {@code requestAsync} queue as usual but throw
     * {@link IllegalStateException} instead of waiting when the write queue is full,
     * {@code tryWrite} returns -1 instead, and calls that always wait ({@code request},
     * {@code Reader.read}, {@code Listener.accept}, {@code Ftcp.dial} and {@code listen}) throw.
     * Timed-out requests complete on ftcp's timer thread.
     *
     * @param callbackExecutor the executor
     * @return this builder
     * @throws NullPointerException when {@code callbackExecutor} is null
     */
    public Builder callbackExecutor(Executor callbackExecutor) {
      this.callbackExecutor = Objects.requireNonNull(callbackExecutor, "callbackExecutor");
      return this;
    }

    /**
     * Builds the options, checking the settings against each other.
     *
     * @return the options
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
