package dev.ftcp.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Help and bad usage, for every command: exit code 2 and exactly one line on standard error
 * naming the problem. None of these reaches the network.
 */
@Timeout(10)
class UsageTest {

  @ParameterizedTest
  @ValueSource(strings = {"demo", "listen", "send", "request", "bench"})
  void everyCommandHasHelp(String command) {
    Cli cli = new Cli();
    assertThat(cli.run(command, "--help")).isZero();
    assertThat(cli.out()).contains("Usage: ftcp " + command);
    assertThat(cli.err()).isEmpty();
  }

  @Test
  void topLevelHelpListsCommandsAndExitCodes() {
    Cli cli = new Cli();
    assertThat(cli.run("--help")).isZero();
    assertThat(cli.out())
        .contains("demo", "listen", "send", "request", "bench")
        .contains("Exit codes: 0 success, 1 the operation failed, 2 bad usage.");
  }

  @Test
  void helpCommandShowsACommandsHelp() {
    Cli cli = new Cli();
    assertThat(cli.run("help", "request")).isZero();
    assertThat(cli.out()).contains("Usage: ftcp request", "--timeout");
  }

  @Test
  void versionNamesJava() {
    Cli cli = new Cli();
    assertThat(cli.run("--version")).isZero();
    assertThat(cli.out()).startsWith("ftcp ").contains("Java ");
  }

  @Test
  void noCommandIsBadUsage() {
    Cli cli = new Cli();
    assertThat(cli.run()).isEqualTo(2);
    assertOneLine(cli, "ftcp: Missing command: try 'ftcp demo'");
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "nope | ftcp: Unmatched argument",
        "send | ftcp send: Missing required parameter: 'ADDR'",
        "request 127.0.0.1:1 | ftcp request: Missing required parameter: 'TEXT'",
        "request 127.0.0.1:1 hi --timeout 2 | '2' is not a duration",
        "request 127.0.0.1:1 hi --timeout 0s | --timeout must be positive",
        "send 127.0.0.1:1 hi --frobnicate | Unknown option: '--frobnicate'",
        "listen 127.0.0.1:0 --tls-cert cert.pem | --tls-cert and --tls-key go together",
        "listen 127.0.0.1:0 --client-ca ca.pem | --client-ca needs --tls-cert and --tls-key",
        "send 127.0.0.1:1 hi --cert c.pem | --cert and --key go together",
        "send 127.0.0.1:1 hi --ca /no/such/ca.pem | --ca: cannot read /no/such/ca.pem",
        "send 127.0.0.1:1 hi --insecure --ca x.pem | --insecure and --ca contradict each other",
        "send 127.0.0.1:1 hi --server-name a.test | --server-name needs --tls",
        "bench 127.0.0.1:1 --size -1 | --size must be between 0 and 65519, was -1",
        "bench 127.0.0.1:1 --mode fast | Invalid value for option '--mode'",
        "bench 127.0.0.1:1 --duration 0s | --duration must be positive",
        "bench 127.0.0.1:1 --warmup -1s | '-1s' is not a duration",
      })
  void badUsageIsOneLineAndExitCode2(String args, String expected) {
    Cli cli = new Cli();
    assertThat(cli.run(args.trim().split("\\s+"))).isEqualTo(2);
    assertOneLine(cli, expected);
  }

  @Test
  void textTooLongForAFrameIsBadUsage() {
    Cli cli = new Cli();
    assertThat(cli.run("send", "127.0.0.1:1", "x".repeat(65_520))).isEqualTo(2);
    assertOneLine(cli, "TEXT 1 is 65520 bytes; a message holds at most 65519 (--big-frames");
  }

  @Test
  void unreadableServerCertificateIsBadUsage(@TempDir Path dir) {
    Cli cli = new Cli();
    String missing = dir.resolve("missing.pem").toString();
    assertThat(cli.run("listen", "127.0.0.1:0", "--tls-cert", missing, "--tls-key", missing))
        .isEqualTo(2);
    assertOneLine(cli, "--tls-cert: cannot read " + missing);
  }

  @Test
  void verboseAddsTheStackTraceToAUsageError() {
    Cli cli = new Cli();
    assertThat(cli.run("request", "127.0.0.1:1", "hi", "--timeout", "2", "--verbose"))
        .isEqualTo(2);
    assertThat(cli.err()).contains("is not a duration").contains("\tat picocli.");
  }

  static void assertOneLine(Cli cli, String expected) {
    assertThat(cli.err()).contains(expected).endsWith(System.lineSeparator());
    assertThat(cli.err().lines()).as("stderr: %s", cli.err()).hasSize(1);
    assertThat(cli.out()).isEmpty();
  }
}
