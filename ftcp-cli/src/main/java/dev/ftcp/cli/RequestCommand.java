package dev.ftcp.cli;

import dev.ftcp.Conn;
import dev.ftcp.FtcpTimeoutException;
import dev.ftcp.Message;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code ftcp request}: sends one message and prints the reply to it. */
@Command(
    name = "request",
    header = "Send a request and print the reply.",
    mixinStandardHelpOptions = true,
    description = {
      "Send TEXT as a request and print the reply's payload (as text when it is UTF-8 text,"
          + " else as hex). Exit code 1 when no reply comes in time."
    },
    footer = {
      "",
      "Example:",
      "  ftcp listen 127.0.0.1:9000 --echo &",
      "  ftcp request 127.0.0.1:9000 hello --timeout 500ms"
    })
final class RequestCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin ClientOptions client;

  @Parameters(index = "0", paramLabel = "ADDR", description = "Where to send: host:port.")
  String address;

  @Parameters(index = "1", paramLabel = "TEXT", description = "The request's payload.")
  String text;

  @Option(
      names = "--timeout",
      paramLabel = "DURATION",
      // Generous: a fresh JVM spends up to a second loading classes for its first request.
      defaultValue = "5s",
      converter = DurationConverter.class,
      description = "How long to wait for the reply (2s, 500ms, ...). Default: ${DEFAULT-VALUE}.")
  Duration timeout;

  @Override
  public Integer call() throws IOException {
    if (timeout.isZero() || timeout.isNegative()) {
      throw new ParameterException(spec.commandLine(), "--timeout must be positive");
    }
    byte[] data = text.getBytes(StandardCharsets.UTF_8);
    int maxPayload = client.options().maxPayloadLength();
    if (data.length > maxPayload) {
      throw new ParameterException(spec.commandLine(),
          SendCommand.tooLong("TEXT", data.length, maxPayload));
    }
    Conn conn = client.dial(address);
    try {
      Message reply = conn.request(Message.of(data), timeout);
      spec.commandLine().getOut().println(Payloads.raw(reply.data()));
      return 0;
    } catch (FtcpTimeoutException e) {
      Throwable broke = client.lastBreak();
      throw new Failure("no reply from " + address + " within " + DurationConverter.format(timeout)
          + (broke == null ? "" : "; the connection broke meanwhile: " + Errors.describe(broke)),
          e);
    } finally {
      conn.close();
    }
  }
}
