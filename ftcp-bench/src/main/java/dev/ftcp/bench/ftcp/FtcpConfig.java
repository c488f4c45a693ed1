package dev.ftcp.bench.ftcp;

import dev.ftcp.Options;
import java.util.function.Consumer;

/**
 * An ftcp configuration the harness measures: what it changes in the options of both ends, and
 * the key it is reported under. The scenarios, the idle workload's clients and its peer process
 * take one, so that a configuration is a line here rather than a copy of the scenarios.
 */
public enum FtcpConfig {
  /** ftcp with its defaults. */
  DEFAULTS("ftcp", "ftcp", b -> {}),
  /** Completions on the I/O thread, as a Netty handler runs. */
  DIRECT("ftcp-direct",
      "ftcp with callbackExecutor(Runnable::run): callbacks on the I/O thread",
      b -> b.callbackExecutor(Runnable::run)),
  /** Resumable sessions (PROTOCOL.md §14.1): acknowledged messages, a session per connection. */
  RESUMABLE("ftcp-resumable",
      "ftcp with resumable(true) on both ends: resumable sessions, compared with ftcp first",
      b -> b.resumable(true));

  private final String key;
  private final String title;
  private final Consumer<Options.Builder> tweak;

  FtcpConfig(String key, String title, Consumer<Options.Builder> tweak) {
    this.key = key;
    this.title = title;
    this.tweak = tweak;
  }

  /** The contender's key: "ftcp", "ftcp-direct" ... */
  public String key() {
    return key;
  }

  /** What the table says the configuration is. */
  public String title() {
    return title;
  }

  /** Applies this configuration's changes to options being built. */
  Options.Builder apply(Options.Builder b) {
    tweak.accept(b);
    return b;
  }

  /** The configuration with this key. */
  public static FtcpConfig of(String key) {
    for (FtcpConfig c : values()) {
      if (c.key.equals(key)) {
        return c;
      }
    }
    throw new IllegalArgumentException("no ftcp configuration " + key);
  }
}
