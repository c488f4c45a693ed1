package dev.ftcp.cli;

import dev.ftcp.ConnectionClosedException;
import dev.ftcp.Conn;
import dev.ftcp.ConnStats;
import dev.ftcp.FtcpTimeoutException;
import dev.ftcp.Message;
import dev.ftcp.Reader;
import java.io.IOException;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code ftcp bench}: writes as fast as the connection takes messages for a while, then, when the
 * peer echoes, measures request/reply latency with one request in flight.
 *
 * <p>The progress line is printed by a timer thread from counters the measuring thread updates;
 * the summary by the command's thread once measuring has stopped.
 */
@Command(
    name = "bench",
    header = "Measure throughput, and request/reply latency against an echo.",
    mixinStandardHelpOptions = true,
    description = {
      "Measure a peer: first throughput (send as fast as possible for DURATION, with a live"
          + " progress line), then, when the peer echoes ('ftcp listen --echo'), request/reply"
          + " latency percentiles with one request in flight for DURATION.",
    },
    footer = {
      "",
      "Example:",
      "  ftcp listen 127.0.0.1:9000 --echo --quiet &",
      "  ftcp bench 127.0.0.1:9000 --duration 10s --size 1024"
    })
final class BenchCommand implements Callable<Integer> {
  /** What to measure. */
  enum Mode {
    /** Throughput, then latency when the peer echoes. */
    AUTO,
    THROUGHPUT,
    /** Latency only; the peer must echo. */
    LATENCY
  }

  /** How long the latency phase waits for the peer to answer its first request. */
  private static final Duration PROBE_TIMEOUT = Duration.ofSeconds(1);
  /** How long one request of the latency phase may take before the bench fails. */
  private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(5);
  /** After the throughput phase, echoes in flight are awaited until none came for this long. */
  private static final long ECHO_STALL_NANOS = TimeUnit.SECONDS.toNanos(2);

  @Spec CommandSpec spec;
  @ParentCommand Main main;
  @Mixin ClientOptions client;

  @Parameters(index = "0", paramLabel = "ADDR", description = "The peer: host:port.")
  String address;

  @Option(
      names = {"-d", "--duration"},
      paramLabel = "DURATION",
      defaultValue = "5s",
      converter = DurationConverter.class,
      description = "How long each phase runs. Default: ${DEFAULT-VALUE}.")
  Duration duration;

  @Option(
      names = {"-s", "--size"},
      paramLabel = "BYTES",
      defaultValue = "64",
      description = "Payload size of each message. Default: ${DEFAULT-VALUE}.")
  int size;

  @Option(
      names = "--mode",
      defaultValue = "AUTO",
      description = "What to measure: auto, throughput or latency. Default: auto (throughput,"
          + " then latency if the peer echoes).")
  Mode mode;

  @Option(
      names = "--warmup",
      paramLabel = "DURATION",
      defaultValue = "1s",
      converter = DurationConverter.class,
      description = "Run this long before measuring each phase, uncounted, so that the JIT"
          + " compiler has done its work. Default: ${DEFAULT-VALUE}.")
  Duration warmup;

  @Option(
      names = "--interval",
      paramLabel = "DURATION",
      defaultValue = "1s",
      converter = DurationConverter.class,
      description = "How often the progress line is updated. Default: ${DEFAULT-VALUE}.")
  Duration interval;

  @Override
  public Integer call() throws IOException, InterruptedException {
    if (duration.isZero() || duration.isNegative()) {
      throw new ParameterException(spec.commandLine(), "--duration must be positive");
    }
    if (warmup.isNegative()) {
      throw new ParameterException(spec.commandLine(), "--warmup must not be negative");
    }
    if (interval.isZero() || interval.isNegative()) {
      throw new ParameterException(spec.commandLine(), "--interval must be positive");
    }
    int maxPayload = client.options().maxPayloadLength();
    if (size < 0 || size > maxPayload) {
      throw new ParameterException(spec.commandLine(),
          "--size must be between 0 and " + maxPayload + ", was " + size);
    }
    byte[] payload = new byte[size];
    for (int i = 0; i < size; i++) {
      payload[i] = (byte) ('a' + i % 26); // text, so a listening peer prints it readably
    }
    PrintWriter out = spec.commandLine().getOut();
    ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "ftcp-bench-progress");
      t.setDaemon(true);
      return t;
    });
    Conn conn = client.dial(address);
    try {
      // Whether the peer answers decides what can be measured, so it is asked first.
      boolean echoes = answersRequests(conn, payload);
      if (!echoes && mode == Mode.LATENCY) {
        throw new Failure("cannot measure latency: " + noEcho());
      }
      if (mode != Mode.LATENCY) {
        throughput(conn, payload, echoes, out, timer);
      }
      if (mode != Mode.THROUGHPUT && !main.stopRequested().isDone()) {
        if (echoes) {
          // A fresh connection: the first still has echoes of the throughput phase in flight.
          conn.close();
          conn = client.dial(address);
          latency(conn, payload, out, timer);
        } else {
          out.println("latency: skipped, " + noEcho());
        }
      }
    } finally {
      conn.close();
      timer.shutdownNow();
    }
    return 0;
  }

  /** One request: does the peer answer it, as {@code ftcp listen --echo} does? */
  private static boolean answersRequests(Conn conn, byte[] payload) throws IOException {
    try {
      conn.request(Message.of(payload), PROBE_TIMEOUT);
      return true;
    } catch (FtcpTimeoutException e) {
      return false;
    }
  }

  private static String noEcho() {
    return "the peer did not answer a request within " + DurationConverter.format(PROBE_TIMEOUT)
        + " (run it as 'ftcp listen ADDR --echo')";
  }

  private void throughput(Conn conn, byte[] payload, boolean echoes, PrintWriter out,
      ScheduledExecutorService timer) throws InterruptedException {
    AtomicLong echoed = new AtomicLong();
    // Echoes must be read, or the peer's writes back up and, through TCP, stall ours.
    Reader reader = conn.reader();
    Thread drain = new Thread(() -> {
      try {
        while (true) {
          reader.read();
          echoed.incrementAndGet();
        }
      } catch (IOException | RuntimeException e) {
        // closed: the phase is over
      }
    }, "ftcp-bench-drain");
    drain.setDaemon(true);
    drain.start();

    Message message = Message.of(payload);
    long warmupEnd = System.nanoTime() + warmup.toNanos();
    // A peer that stops reading would block write() for good: the deadline ends the phase.
    conn.setWriteDeadline(Instant.now().plus(warmup).plus(duration));
    // Ctrl-C: a write blocked on a full queue (a peer gone quiet) gives up at once.
    var stopWriting = main.stopRequested().thenRun(() -> conn.setWriteDeadline(Instant.now()));
    String stoppedBy = writeUntil(conn, message, warmupEnd); // not counted

    long start = System.nanoTime();
    long end = start + duration.toNanos();
    ConnStats before = conn.stats();
    long echoedBefore = echoed.get();
    Progress progress = new Progress(start, () -> conn.stats().messagesOut() - before.messagesOut(),
        () -> echoed.get() - echoedBefore, payload.length);
    var ticker = timer.scheduleAtFixedRate(progress::print, interval.toNanos(), interval.toNanos(),
        TimeUnit.NANOSECONDS);
    try {
      if (stoppedBy == null) {
        stoppedBy = writeUntil(conn, message, end);
      }
    } finally {
      ticker.cancel(false);
      stopWriting.cancel(false);
    }
    long elapsed = System.nanoTime() - start;
    ConnStats stats = conn.stats();
    long sent = stats.messagesOut() - before.messagesOut();
    long bytesOut = stats.bytesOut() - before.bytesOut();
    long echoedInTime = echoed.get() - echoedBefore;
    progress.finish();

    // Echoes still on their way: wait for them while they keep coming, so the count says
    // whether all came back.
    long lastCount = -1;
    long lastProgress = System.nanoTime();
    while (echoes && echoed.get() < stats.messagesOut() && !main.stopRequested().isDone()
        && System.nanoTime() - lastProgress < ECHO_STALL_NANOS) {
      long now = echoed.get();
      if (now != lastCount) {
        lastCount = now;
        lastProgress = System.nanoTime();
      }
      TimeUnit.MILLISECONDS.sleep(10);
    }
    reader.close();
    drain.join(1000);

    double seconds = elapsed / 1e9;
    out.printf(Locale.ROOT, "throughput: %,d-byte messages to %s for %s%n",
        payload.length, address, DurationConverter.formatNanos(elapsed));
    out.printf(Locale.ROOT, "  sent    %,14d messages  %,12.0f msgs/s  %8.1f MB/s of payload"
            + "  (%.1f MB/s on the wire)%n",
        sent, sent / seconds, sent * (double) payload.length / seconds / 1e6,
        bytesOut / seconds / 1e6);
    if (echoes) {
      out.printf(Locale.ROOT, "  echoed  %,14d messages  %,12.0f msgs/s  (%,d of %,d came back)%n",
          echoedInTime, echoedInTime / seconds, echoed.get(), stats.messagesOut());
    } else {
      out.println("  echoed  none (the peer does not echo)");
    }
    out.flush();
    if (stoppedBy != null) {
      throw new Failure("throughput phase stopped early: " + stoppedBy);
    }
  }

  /**
   * Writes until {@code endNanos}, a stop request, or the write deadline.
   *
   * @return why writing stopped early, or {@code null} when it ran its time
   */
  private String writeUntil(Conn conn, Message message, long endNanos) {
    try {
      for (long n = 0; ; n++) {
        // Reading the clock costs ~20 ns; once every 64 writes keeps it out of the measurement.
        if ((n & 63) == 0
            && (System.nanoTime() - endNanos >= 0 || main.stopRequested().isDone())) {
          return null;
        }
        conn.write(message);
      }
    } catch (FtcpTimeoutException e) {
      return null; // the write deadline: the queue was full when the time ran out
    } catch (ConnectionClosedException e) {
      return "the connection closed: " + Errors.describe(e);
    } catch (IOException e) {
      return Errors.describe(e);
    }
  }

  private void latency(Conn conn, byte[] payload, PrintWriter out,
      ScheduledExecutorService timer) throws IOException {
    Message message = Message.of(payload);
    long warmupEnd = System.nanoTime() + warmup.toNanos();
    while (System.nanoTime() - warmupEnd < 0 && !main.stopRequested().isDone()) {
      request(conn, message, 0); // not counted
    }
    LatencyHistogram histogram = new LatencyHistogram();
    AtomicLong done = new AtomicLong();
    long start = System.nanoTime();
    long end = start + duration.toNanos();
    Progress progress = new Progress(start, done::get, null, payload.length);
    var ticker = timer.scheduleAtFixedRate(progress::print, interval.toNanos(),
        interval.toNanos(), TimeUnit.NANOSECONDS);
    try {
      long now = start;
      while (now < end && !main.stopRequested().isDone()) {
        request(conn, message, done.get());
        long after = System.nanoTime();
        histogram.record(after - now);
        done.incrementAndGet();
        now = after;
      }
    } finally {
      ticker.cancel(false);
      progress.finish();
    }
    long elapsed = System.nanoTime() - start;
    out.printf(Locale.ROOT,
        "latency: request/reply, one in flight, %,d-byte payloads: %,d requests in %s (%,.0f/s)%n",
        payload.length, histogram.count(), DurationConverter.formatNanos(elapsed),
        histogram.count() / (elapsed / 1e9));
    out.printf(Locale.ROOT, "  p50 %s  p90 %s  p99 %s  p99.9 %s  max %s%n",
        DurationConverter.formatNanos(histogram.percentile(50)),
        DurationConverter.formatNanos(histogram.percentile(90)),
        DurationConverter.formatNanos(histogram.percentile(99)),
        DurationConverter.formatNanos(histogram.percentile(99.9)),
        DurationConverter.formatNanos(histogram.max()));
    out.flush();
  }

  private static void request(Conn conn, Message message, long answered) throws IOException {
    try {
      conn.request(message, REQUEST_TIMEOUT);
    } catch (FtcpTimeoutException e) {
      throw new Failure("a request got no reply within "
          + DurationConverter.format(REQUEST_TIMEOUT) + " after " + answered + " that did", e);
    }
  }

  /**
   * The live progress line, on standard error: redrawn in place on a terminal, one line per update
   * otherwise (a log file should not fill with carriage returns). Called by the timer thread.
   */
  private final class Progress {
    private final long start;
    private final Supplier<Long> messages;
    private final Supplier<Long> echoes;
    private final int payloadLength;
    private long lastAt;
    private long lastMessages;
    private long lastEchoes;
    private boolean drawn;

    Progress(long start, Supplier<Long> messages, Supplier<Long> echoes, int payloadLength) {
      this.start = start;
      this.messages = messages;
      this.echoes = echoes;
      this.payloadLength = payloadLength;
      this.lastAt = start;
    }

    synchronized void print() {
      long now = System.nanoTime();
      long m = messages.get();
      long e = echoes == null ? 0 : echoes.get();
      double seconds = (now - lastAt) / 1e9;
      String line = String.format(Locale.ROOT, "%6.1f s  %,12.0f %s  %8.1f MB/s",
          (now - start) / 1e9, (m - lastMessages) / seconds,
          echoes == null ? "requests/s" : "msgs/s",
          (m - lastMessages) * (double) payloadLength / seconds / 1e6);
      if (echoes != null && e > 0) {
        line += String.format(Locale.ROOT, "  echoed %,.0f msgs/s", (e - lastEchoes) / seconds);
      }
      lastAt = now;
      lastMessages = m;
      lastEchoes = e;
      PrintWriter err = spec.commandLine().getErr();
      if (main.interactive()) {
        err.print("\r" + line + "   ");
        drawn = true;
      } else {
        err.println(line);
      }
      err.flush();
    }

    /** Clears a line drawn in place, so the summary starts on a clean line. */
    synchronized void finish() {
      if (drawn) {
        PrintWriter err = spec.commandLine().getErr();
        err.print("\r" + " ".repeat(79) + "\r");
        err.flush();
        drawn = false;
      }
    }
  }
}
