package dev.ftcp.bench;

/**
 * A named implementation of a workload: ftcp itself (in one of its configurations) or a
 * baseline.
 *
 * @param name the column it shows under, e.g. "raw Netty, frame per buffer"
 * @param key a stable short name for the JSON and {@code --contenders}, e.g. "netty-frame"
 * @param scenario what runs
 * @param ftcp whether this is ftcp under test, which the table compares with every baseline
 * @param versus the key of another ftcp configuration this one is first compared with (its
 *     ratio to it, beside those to the baselines), e.g. "ftcp" for a variant whose cost over the
 *     defaults is the question; null for none
 * @param spread whether the report shows each metric's spread over the runs (min, median,
 *     max) beside the median: for a contender whose figures swing from run to run
 */
public record Contender(String name, String key, Scenario scenario, boolean ftcp, String versus,
    boolean spread) {
  public static final String FTCP = "ftcp";

  /** A baseline. */
  public Contender(String name, String key, Scenario scenario) {
    this(name, key, scenario, false, null, false);
  }

  /** ftcp with its defaults. */
  public static Contender ftcpDefault(Scenario s) {
    return new Contender("ftcp", FTCP, s, true, null, false);
  }

  /** ftcp configured otherwise: {@code key} starts with "ftcp-". */
  public static Contender ftcpVariant(String name, String key, Scenario s) {
    return new Contender(name, key, s, true, null, false);
  }

  /** This ftcp configuration, first compared with the one keyed {@code key}. */
  public Contender comparedWith(String key) {
    return new Contender(name, this.key, scenario, ftcp, key, spread);
  }

  /** This contender, its spread over the runs shown beside each median. */
  public Contender withSpread() {
    return new Contender(name, key, scenario, ftcp, versus, true);
  }

  public boolean isFtcp() {
    return ftcp;
  }
}
