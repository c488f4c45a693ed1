package dev.ftcp.soak;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * A soak run's figures, as one line for the log (fit to quote in the README) and as JSON
 * ({@code target/soak-summary.json}). Keys keep their order; values are numbers, strings or
 * nested maps of them.
 */
final class SoakSummary {
  private final Map<String, Object> fields = new LinkedHashMap<>();

  SoakSummary put(String key, Object value) {
    fields.put(key, value);
    return this;
  }

  Object get(String key) {
    return fields.get(key);
  }

  long number(String key) {
    return ((Number) fields.get(key)).longValue();
  }

  /** The line for the log. */
  String line() {
    boolean resumable = "resumable".equals(fields.get("mode"));
    return String.format(Locale.ROOT,
        "SOAK %s (%s): %d clients x %d readers via %d fault proxies, %s, %s of faults (%s in"
            + " all), seed %d | client->server: %,d messages written (%,d one-way, %,d"
            + " requests), %,d received, %,d lost in cut windows (%,d of them one-way; before"
            + " %,d of %,d server connections, at most %,d in one) | server->client: %,d echoes"
            + " received by every reader (%,d reader deliveries), %,d lost with the server"
            + " connection that broke | requests: %,d replied, %,d timed out (%,d late reply,"
            + " %,d request lost in a cut, %,d reply lost in a cut) | faults: %,d cuts (%,d"
            + " RESET, %,d FIN, %,d outages) breaking %,d links, %,d delay and %,d fragment"
            + " phases | %,d redials, %,d resumes%s | duplicates or reorders %d, %s %d, other"
            + " violations %d | threads %+d, fds %+d, sockets %+d, heap %+.1f MiB after GC;"
            + " Netty leaks %d",
        fields.get("result"), fields.get("mode"), number("clients"), number("readersPerClient"),
        number("proxies"), fields.get("transport"), fields.get("faultTime"),
        fields.get("totalTime"), number("seed"), number("messagesWritten"), number("oneWay"),
        number("requests"), number("receivedByServer"),
        number("lostInCutWindowsClientToServer"), number("oneWayLostClientToServer"),
        number("reconnectionsWithLoss"), number("serverConnections"),
        number("mostLostInOneCut"), number("echoesReceived"), number("readerDeliveries"),
        number("lostWithBrokenServerConnections"), number("replies"), number("timeouts"),
        number("timeoutsLateReply"), number("timeoutsRequestLostInCut"),
        number("timeoutsReplyLostInCut"), number("cuts"), number("cutsReset"),
        number("cutsFin"), number("outages"), number("linksCut"), number("delayPhases"),
        number("fragmentPhases"), number("redials"), number("resumes"),
        resumable ? String.format(Locale.ROOT, " (%,d on the server; %,d sessions lost, %,d"
            + " server connections accepted, %,d messages sent again; resume timeout %s)",
            number("resumedEventsServer"), number("sessionsLost"),
            number("serverConnectionsAccepted"), number("messagesResent"),
            fields.get("resumeTimeout")) : "",
        number("duplicatesOrReorders"),
        resumable ? "losses" : "losses outside a cut window", number("lossesNotAllowed"),
        number("otherViolations"), number("threadsDelta"), number("fdsDelta"),
        number("socketsDelta"), number("heapDeltaBytes") / (1024.0 * 1024.0),
        number("nettyLeaks"));
  }

  void writeJson(Path file) throws IOException {
    Files.createDirectories(file.toAbsolutePath().getParent());
    Files.writeString(file, json(fields, "") + "\n", StandardCharsets.UTF_8);
  }

  private static String json(Object v, String indent) {
    if (v instanceof Map) {
      StringBuilder b = new StringBuilder("{");
      String inner = indent + "  ";
      boolean firstEntry = true;
      for (Map.Entry<?, ?> e : ((Map<?, ?>) v).entrySet()) {
        b.append(firstEntry ? "\n" : ",\n").append(inner).append(quote(e.getKey().toString()))
            .append(": ").append(json(e.getValue(), inner));
        firstEntry = false;
      }
      return b.append(firstEntry ? "}" : "\n" + indent + "}").toString();
    }
    if (v instanceof Number || v instanceof Boolean) {
      return v.toString();
    }
    return quote(String.valueOf(v));
  }

  private static String quote(String s) {
    StringBuilder b = new StringBuilder("\"");
    for (char c : s.toCharArray()) {
      if (c == '"' || c == '\\') {
        b.append('\\').append(c);
      } else if (c < 0x20) {
        b.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
      } else {
        b.append(c);
      }
    }
    return b.append('"').toString();
  }
}
