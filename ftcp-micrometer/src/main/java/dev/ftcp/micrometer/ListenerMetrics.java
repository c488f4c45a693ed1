package dev.ftcp.micrometer;

import dev.ftcp.Listener;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.List;

/**
 * The meters of one listener; made by {@link FtcpMetrics#of(Listener, String)}.
 *
 * <p>{@link #bindTo} registers {@code ftcp.connections.refused}, a function counter in
 * {@code connections} of the connections refused because {@code maxConnections} were open
 * ({@link Listener#refusedConnections()}), and {@code ftcp.connections.open}, a gauge of the
 * connections it holds open ({@link Listener#openConnections()}), both tagged {@code name} and
 * {@code address} (the address listened on, {@code host:port}). Bind each accepted connection
 * with {@link FtcpMetrics#of(dev.ftcp.Conn, String)} to measure its traffic.
 *
 * <p>The meter stays registered after the listener closes, until {@link #close()} removes it.
 *
 * <p>Thread-safe: every method may be called from any thread.
 */
public final class ListenerMetrics implements MeterBinder, AutoCloseable {

  private final Listener listener;
  private final Tags tags;
  private final Bindings bindings = new Bindings();

  ListenerMetrics(Listener listener, String name, String address) {
    this.listener = listener;
    this.tags = Tags.of("name", name, "address", address);
  }

  /**
   * The listener measured.
   *
   * @return the listener
   */
  public Listener listener() {
    return listener;
  }

  /**
   * Registers the listener's meters in {@code registry}. May be called for several registries;
   * binding the same registry twice registers nothing more.
   *
   * @param registry the registry
   * @throws NullPointerException when {@code registry} is null
   * @throws IllegalStateException after {@link #close()}
   */
  @Override
  public void bindTo(MeterRegistry registry) {
    bindings.bind(registry, r -> List.of(
        FunctionCounter.builder("ftcp.connections.refused", listener,
                Listener::refusedConnections)
            .description("Connections refused because maxConnections were open")
            .baseUnit("connections")
            .tags(tags)
            .register(r),
        Gauge.builder("ftcp.connections.open", listener, Listener::openConnections)
            .description("Connections the listener holds open, within maxConnections")
            .baseUnit("connections")
            .tags(tags)
            .register(r)));
  }

  /**
   * Removes this listener's meters from every registry they were bound to. Does not close the
   * listener. Idempotent; throws nothing.
   */
  @Override
  public void close() {
    bindings.close();
  }

  /**
   * The tags, for diagnostics.
   *
   * @return {@code ListenerMetrics} and its tags
   */
  @Override
  public String toString() {
    return "ListenerMetrics" + tags;
  }
}
