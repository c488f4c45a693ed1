package dev.ftcp.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The figures the hostile-peer tests measure, printed and kept in
 * {@code target/hostile-summary.txt} in a form a README can quote: one {@code key: text} line
 * per figure, sorted by key. A test replaces its own lines and keeps the others', so the file
 * holds the latest figure of every test run so far. Thread-safe.
 */
public final class HostileSummary {
  private static final String HEADER = "# ftcp hostile-peer figures (HostilePeersIT,"
      + " HostileMemoryIT); one line per figure, latest run of each test";

  private HostileSummary() {}

  public static Path file() {
    return Path.of(System.getProperty("basedir", System.getProperty("user.dir")), "target",
        "hostile-summary.txt");
  }

  /** Prints {@code key: text} and records it in the summary file. */
  public static synchronized void record(String key, String text) {
    String line = key + ": " + text + " [" + System.getProperty("java.version") + "]";
    System.out.println("hostile-summary " + line);
    Path f = file();
    try {
      Map<String, String> lines = new TreeMap<>();
      if (Files.exists(f)) {
        for (String l : Files.readAllLines(f, StandardCharsets.UTF_8)) {
          int colon = l.indexOf(": ");
          if (!l.startsWith("#") && colon > 0) {
            lines.put(l.substring(0, colon), l.substring(colon + 2));
          }
        }
      }
      lines.put(key, line.substring(key.length() + 2));
      List<String> out = new ArrayList<>();
      out.add(HEADER);
      lines.forEach((k, v) -> out.add(k + ": " + v));
      Files.createDirectories(f.getParent());
      Files.write(f, out, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** {@code bytes} as "12.3 KiB", "4.0 MiB"... */
  public static String size(double bytes) {
    if (Math.abs(bytes) < 1024) {
      return String.format("%.0f B", bytes);
    }
    if (Math.abs(bytes) < 1024 * 1024) {
      return String.format("%.1f KiB", bytes / 1024);
    }
    if (Math.abs(bytes) < 1024.0 * 1024 * 1024) {
      return String.format("%.1f MiB", bytes / (1024 * 1024));
    }
    return String.format("%.2f GiB", bytes / (1024.0 * 1024 * 1024));
  }
}
