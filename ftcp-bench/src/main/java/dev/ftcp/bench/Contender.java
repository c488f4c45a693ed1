package dev.ftcp.bench;

/**
 * A named implementation of a workload: ftcp itself or a baseline.
 *
 * @param name the column it shows under, e.g. "raw Netty, frame per buffer"
 * @param key a stable short name for the JSON and {@code --only}, e.g. "netty-frame"
 * @param scenario what runs
 */
public record Contender(String name, String key, Scenario scenario) {
  public static final String FTCP = "ftcp";

  public boolean isFtcp() {
    return FTCP.equals(key);
  }
}
