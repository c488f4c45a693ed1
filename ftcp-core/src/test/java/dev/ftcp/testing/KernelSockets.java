package dev.ftcp.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * What the kernel says about TCP sockets on this machine ({@code /proc/net/tcp} and
 * {@code /proc/net/tcp6}, Linux, where the tests run): lets a test see how many connections a
 * server holds and whether it has read what its peers sent, whichever process it runs in.
 * Thread-safe (stateless).
 */
public final class KernelSockets {
  // Java and Netty open IPv6 sockets where they can, so 127.0.0.1 often shows up in tcp6 as
  // ::ffff:127.0.0.1.
  private static final List<Path> TABLES =
      List.of(Path.of("/proc/net/tcp"), Path.of("/proc/net/tcp6"));
  private static final String ESTABLISHED = "01";

  private KernelSockets() {}

  /** Established connections whose local port is {@code port}: the server side of each. */
  public static int established(int port) throws IOException {
    return (int) rows(port).count();
  }

  /**
   * Bytes received and not yet read by the application, summed over the established
   * connections whose local port is {@code port}.
   */
  public static long unread(int port) throws IOException {
    return rows(port).mapToLong(r -> Long.parseLong(r[4].substring(r[4].indexOf(':') + 1), 16))
        .sum();
  }

  /** Each row split on blanks: [sl, local, remote, state, tx_queue:rx_queue, ...]. */
  private static Stream<String[]> rows(int port) throws IOException {
    List<String> lines = new ArrayList<>();
    for (Path table : TABLES) {
      if (Files.exists(table)) {
        List<String> rows = Files.readAllLines(table);
        lines.addAll(rows.subList(1, rows.size()));
      }
    }
    String localPort = String.format(":%04X", port);
    return lines.stream()
        .map(l -> l.trim().split("\\s+"))
        .filter(r -> r.length > 4 && r[1].endsWith(localPort) && r[3].equals(ESTABLISHED));
  }
}
