package dev.ftcp.micrometer;

import dev.ftcp.Conn;
import dev.ftcp.ConnStats;
import dev.ftcp.ConnectionClosedException;
import dev.ftcp.FtcpTimeoutException;
import dev.ftcp.Message;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.BaseUnits;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleFunction;

/**
 * The meters of one connection; made by {@link FtcpMetrics#of(Conn, String)}.
 *
 * <p>{@link #bindTo} registers, tagged {@code name} and {@code peer}:
 * <table class="striped">
 *   <caption>Meters of a connection</caption>
 *   <thead><tr><th scope="col">meter</th><th scope="col">type</th>
 *     <th scope="col">base unit</th><th scope="col">from</th></tr></thead>
 *   <tbody>
 *     <tr><th scope="row">{@code ftcp.messages.in}</th><td>function counter</td><td>messages</td>
 *       <td>{@link ConnStats#messagesIn()}</td></tr>
 *     <tr><th scope="row">{@code ftcp.messages.out}</th><td>function counter</td><td>messages</td>
 *       <td>{@link ConnStats#messagesOut()}</td></tr>
 *     <tr><th scope="row">{@code ftcp.bytes.in}</th><td>function counter</td><td>bytes</td>
 *       <td>{@link ConnStats#bytesIn()}</td></tr>
 *     <tr><th scope="row">{@code ftcp.bytes.out}</th><td>function counter</td><td>bytes</td>
 *       <td>{@link ConnStats#bytesOut()}</td></tr>
 *     <tr><th scope="row">{@code ftcp.messages.queued}</th><td>gauge</td><td>messages</td>
 *       <td>{@link ConnStats#queued()}</td></tr>
 *     <tr><th scope="row">{@code ftcp.messages.discarded}</th><td>function counter</td>
 *       <td>messages</td><td>{@link ConnStats#messagesDiscarded()}</td></tr>
 *     <tr><th scope="row">{@code ftcp.replies.late}</th><td>function counter</td><td>messages</td>
 *       <td>{@link ConnStats#lateRepliesDiscarded()}</td></tr>
 *     <tr><th scope="row">{@code ftcp.redials}</th><td>function counter</td><td>redials</td>
 *       <td>{@link ConnStats#redials()}</td></tr>
 *     <tr><th scope="row">{@code ftcp.resumes}</th><td>function counter</td><td>resumes</td>
 *       <td>{@link ConnStats#resumes()}</td></tr>
 *     <tr><th scope="row">{@code ftcp.messages.resent}</th><td>function counter</td>
 *       <td>messages</td><td>{@link ConnStats#messagesResent()}</td></tr>
 *     <tr><th scope="row">{@code ftcp.requests}</th><td>timer, tag {@code outcome}</td>
 *       <td>seconds</td><td>{@link #timedRequest} and {@link #timedRequestAsync}</td></tr>
 *   </tbody>
 * </table>
 *
 * <p>The counters read {@link Conn#stats()} when the registry asks, so they cost the connection
 * nothing between scrapes. The {@code ftcp.requests} timer has one series per outcome seen:
 * {@code success}, {@code timeout} ({@link FtcpTimeoutException}), {@code closed}
 * ({@link ConnectionClosedException}), {@code cancelled} (a cancelled future) and {@code error}
 * (anything else thrown); requests made with {@link Conn#request} directly are not timed.
 * Percentiles and histograms are the registry's to configure, with a
 * {@link io.micrometer.core.instrument.config.MeterFilter}.
 *
 * <p>The meters stay registered after the connection closes, showing its last counts, until
 * {@link #close()} removes them: call it when the connection is done with, or a server that
 * binds each accepted connection keeps a series per connection it ever had. Two connections
 * bound with the same name and peer share their meters: give each a name of its own where that
 * can happen. The {@code peer} tag of a server connection holds the client's port, a new value
 * for each connection: drop or replace it with a {@code MeterFilter} where that is too many.
 *
 * <p>Thread-safe: every method may be called from any thread, {@code timedRequest} from any
 * number at once.
 */
public final class ConnMetrics implements MeterBinder, AutoCloseable {

  private static final String REQUESTS = "ftcp.requests";

  private final Conn conn;
  private final Tags tags;
  private final Bindings bindings = new Bindings();
  /** Per registry, the request timer of each outcome registered so far. */
  private final Map<MeterRegistry, Map<String, Timer>> timers = new ConcurrentHashMap<>();

  ConnMetrics(Conn conn, String name, String peer) {
    this.conn = conn;
    this.tags = Tags.of("name", name, "peer", peer);
  }

  /**
   * The connection measured.
   *
   * @return the connection
   */
  public Conn conn() {
    return conn;
  }

  /**
   * Registers the connection's meters in {@code registry}. May be called for several
   * registries; binding the same registry twice registers nothing more.
   *
   * @param registry the registry
   * @throws NullPointerException when {@code registry} is null
   * @throws IllegalStateException after {@link #close()}
   */
  @Override
  public void bindTo(MeterRegistry registry) {
    bindings.bind(registry, r -> List.of(
        counter(r, "ftcp.messages.in", "Messages received", "messages", ConnStats::messagesIn),
        counter(r, "ftcp.messages.out", "Messages handed to the socket", "messages",
            ConnStats::messagesOut),
        counter(r, "ftcp.bytes.in", "Bytes of frames received, length prefixes included",
            BaseUnits.BYTES, ConnStats::bytesIn),
        counter(r, "ftcp.bytes.out", "Bytes of frames handed to the socket, length prefixes"
            + " included", BaseUnits.BYTES, ConnStats::bytesOut),
        Gauge.builder("ftcp.messages.queued", conn, c -> c.stats().queued())
            .description("Messages written and not yet handed to the socket (with resumable"
                + " sessions: not yet acknowledged)")
            .baseUnit("messages").tags(tags).register(r),
        counter(r, "ftcp.messages.discarded", "Queued messages thrown away because the"
            + " connection gave up or closed first", "messages", ConnStats::messagesDiscarded),
        counter(r, "ftcp.replies.late", "Replies that came after their request timed out, with"
            + " no reader open", "messages", ConnStats::lateRepliesDiscarded),
        counter(r, "ftcp.redials", "Successful redials", "redials", ConnStats::redials),
        counter(r, "ftcp.resumes", "Times a resumable session went on over a new link",
            "resumes", ConnStats::resumes),
        counter(r, "ftcp.messages.resent", "Messages of a resumable session sent again",
            "messages", ConnStats::messagesResent)));
  }

  private Meter counter(MeterRegistry registry, String name, String description, String unit,
      ToDoubleFunction<ConnStats> value) {
    return FunctionCounter.builder(name, conn, c -> value.applyAsDouble(c.stats()))
        .description(description)
        .baseUnit(unit)
        .tags(tags)
        .register(registry);
  }

  /**
   * {@link Conn#request} on the connection, timed by the {@code ftcp.requests} timer of every
   * registry bound, with the outcome as its tag. Blocks as {@code request} does; with no
   * registry bound (or after {@link #close()}) it only makes the request.
   *
   * @param msg the request
   * @param timeout how long to wait for the reply
   * @return the reply
   * @throws IOException what {@link Conn#request} throws, as it throws it
   * @throws NullPointerException when {@code msg} or {@code timeout} is null
   * @throws IllegalArgumentException as {@link Conn#request}
   * @throws IllegalStateException as {@link Conn#request}
   */
  public Message timedRequest(Message msg, Duration timeout) throws IOException {
    long start = System.nanoTime();
    try {
      Message reply = conn.request(msg, timeout);
      record("success", start);
      return reply;
    } catch (IOException | RuntimeException | Error e) {
      record(outcome(e), start);
      throw e;
    }
  }

  /**
   * {@link Conn#requestAsync} on the connection, timed as {@link #timedRequest} is: the time
   * from this call until the returned future completes, recorded on the thread that completes
   * it. Blocks only as {@code requestAsync} does.
   *
   * @param msg the request
   * @param timeout how long to wait for the reply
   * @return the future reply, as {@link Conn#requestAsync} returns it
   * @throws IOException what {@link Conn#requestAsync} throws, as it throws it
   * @throws NullPointerException when {@code msg} or {@code timeout} is null
   * @throws IllegalArgumentException as {@link Conn#requestAsync}
   * @throws IllegalStateException as {@link Conn#requestAsync}
   */
  public CompletableFuture<Message> timedRequestAsync(Message msg, Duration timeout)
      throws IOException {
    long start = System.nanoTime();
    CompletableFuture<Message> reply;
    try {
      reply = conn.requestAsync(msg, timeout);
    } catch (IOException | RuntimeException | Error e) {
      record(outcome(e), start);
      throw e;
    }
    reply.whenComplete((m, e) -> record(e == null ? "success" : outcome(e), start));
    return reply;
  }

  private static String outcome(Throwable e) {
    while ((e instanceof CompletionException || e instanceof ExecutionException)
        && e.getCause() != null) {
      e = e.getCause();
    }
    if (e instanceof FtcpTimeoutException) {
      return "timeout";
    }
    if (e instanceof ConnectionClosedException) {
      return "closed";
    }
    if (e instanceof CancellationException) {
      return "cancelled";
    }
    return "error";
  }

  private void record(String outcome, long startNanos) {
    List<MeterRegistry> registries = bindings.registries();
    if (registries.isEmpty()) {
      return;
    }
    long nanos = System.nanoTime() - startNanos;
    for (MeterRegistry registry : registries) {
      Map<String, Timer> byOutcome = timers.computeIfAbsent(registry, r -> new ConcurrentHashMap<>());
      Timer timer = byOutcome.get(outcome);
      if (timer == null) {
        timer = bindings.add(registry, r -> Timer.builder(REQUESTS)
            .description("Requests made through ConnMetrics.timedRequest, until the reply or"
                + " the failure")
            .tags(tags).tag("outcome", outcome)
            .register(r));
        if (timer == null) {
          return; // closed meanwhile
        }
        byOutcome.put(outcome, timer);
      }
      timer.record(nanos, TimeUnit.NANOSECONDS);
    }
  }

  /**
   * Removes this connection's meters from every registry they were bound to. Does not close
   * the connection. Idempotent; throws nothing.
   */
  @Override
  public void close() {
    bindings.close();
    timers.clear();
  }

  /**
   * The tags, for diagnostics.
   *
   * @return {@code ConnMetrics} and its tags
   */
  @Override
  public String toString() {
    return "ConnMetrics" + tags;
  }
}
