package dev.ftcp.cli;

import dev.ftcp.Conn;
import dev.ftcp.ConnStats;
import dev.ftcp.Message;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code ftcp send}: one message per argument, or one per line of standard input, then waits
 * (at most the close linger, 2 s) until they are handed to the socket.
 */
@Command(
    name = "send",
    header = "Send messages: one per argument, or one per line of input.",
    mixinStandardHelpOptions = true,
    description = {
      "Send one message per TEXT argument, or, with no TEXT, one per line of standard input"
          + " (UTF-8, line ends removed).",
    },
    footer = {
      "",
      "Examples:",
      "  ftcp send 127.0.0.1:9000 hello world        (two messages)",
      "  tail -f app.log | ftcp send 127.0.0.1:9000",
      "  ftcp send example.com:9443 --tls hello      (TLS, server verified)"
    })
final class SendCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @ParentCommand Main main;
  @Mixin ClientOptions client;

  @Parameters(index = "0", paramLabel = "ADDR", description = "Where to send: host:port.")
  String address;

  @Parameters(
      index = "1..*",
      paramLabel = "TEXT",
      description = "Messages to send, one each; none: read lines from standard input.")
  List<String> texts = List.of();

  @Override
  public Integer call() throws IOException {
    int maxPayload = client.options().maxPayloadLength();
    for (int i = 0; i < texts.size(); i++) {
      int size = texts.get(i).getBytes(StandardCharsets.UTF_8).length;
      if (size > maxPayload) {
        throw new ParameterException(spec.commandLine(),
            tooLong("TEXT " + (i + 1), size, maxPayload));
      }
    }
    Conn conn = client.dial(address);
    long count = 0;
    long bytes = 0;
    try {
      if (!texts.isEmpty()) {
        for (String text : texts) {
          byte[] data = text.getBytes(StandardCharsets.UTF_8);
          conn.write(Message.of(data));
          count++;
          bytes += data.length;
        }
      } else {
        BufferedReader lines =
            new BufferedReader(new InputStreamReader(main.in(), StandardCharsets.UTF_8));
        for (String line = lines.readLine(); line != null; line = lines.readLine()) {
          byte[] data = line.getBytes(StandardCharsets.UTF_8);
          if (data.length > maxPayload) {
            throw new Failure(tooLong("line " + (count + 1), data.length, maxPayload));
          }
          conn.write(Message.of(data));
          count++;
          bytes += data.length;
        }
      }
    } finally {
      // Sends what is still queued, waiting at most the close linger.
      conn.close();
    }
    ConnStats stats = conn.stats();
    if (stats.messagesDiscarded() > 0) {
      Throwable broke = client.lastBreak();
      throw new Failure(stats.messagesDiscarded() + " of " + count + " messages could not be sent"
          + " to " + address + " before the connection closed"
          + (broke == null ? "" : ": " + Errors.describe(broke)));
    }
    spec.commandLine().getOut().println("sent " + count + (count == 1 ? " message" : " messages")
        + " (" + bytes + " bytes) to " + address);
    return 0;
  }

  static String tooLong(String what, int size, int maxPayload) {
    return what + " is " + size + " bytes; a message holds at most " + maxPayload
        + (maxPayload < 65536
            ? " (--big-frames allows up to 16 MiB, if the peer uses them too)" : "");
  }
}
