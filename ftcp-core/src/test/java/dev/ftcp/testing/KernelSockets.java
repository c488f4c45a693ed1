package dev.ftcp.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
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

  /**
   * The established connections whose local port is {@code port} (the server side of each, when
   * {@code port} is a listener's), read at once: how many, and the bytes they have received
   * that the application has not read yet.
   */
  public static Connections at(int port) throws IOException {
    List<String[]> rows = rows(port).collect(Collectors.toList());
    long unread = rows.stream()
        .mapToLong(r -> Long.parseLong(r[4].substring(r[4].indexOf(':') + 1), 16)).sum();
    return new Connections(rows.size(), unread);
  }

  /** See {@link #at(int)}. */
  public record Connections(int count, long unread) {}

  /** The rows of those connections as the kernel shows them, for failure messages. */
  public static String describe(int port) throws IOException {
    StringBuilder b = new StringBuilder();
    rows(port).forEach(r -> b.append('\n').append(String.join(" ", r)));
    return b.toString();
  }

  /** Each row split on blanks: [sl, local, remote, state, tx_queue:rx_queue, ..., inode, ...]. */
  private static Stream<String[]> rows(int port) throws IOException {
    List<String> lines = new ArrayList<>();
    for (Path table : TABLES) {
      if (Files.exists(table)) {
        List<String> rows = Files.readAllLines(table);
        lines.addAll(rows.subList(1, rows.size()));
      }
    }
    String localPort = String.format(":%04X", port);
    // The kernel writes these tables a page at a time while connections come and go, so a row
    // can appear twice: one row per socket (inode). Callers that need every row to be there
    // check the count too.
    Map<String, String[]> byInode = new LinkedHashMap<>();
    lines.stream()
        .map(l -> l.trim().split("\\s+"))
        .filter(r -> r.length > 9 && r[1].endsWith(localPort) && r[3].equals(ESTABLISHED))
        .forEach(r -> byInode.put(r[9], r));
    return byInode.values().stream();
  }
}
