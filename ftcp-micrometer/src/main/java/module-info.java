/**
 * Micrometer meters for ftcp: {@link dev.ftcp.micrometer.FtcpMetrics} binds a connection's or a
 * listener's counters to a {@code MeterRegistry} and times requests.
 */
module dev.ftcp.micrometer {
  exports dev.ftcp.micrometer;

  requires transitive dev.ftcp;
  requires transitive micrometer.core;
}
