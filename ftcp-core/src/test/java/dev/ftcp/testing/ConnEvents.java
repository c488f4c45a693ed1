package dev.ftcp.testing;

import dev.ftcp.Conn;
import dev.ftcp.ConnStateListener;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A state listener that records each event's name with its connection ("connected",
 * "disconnected", "redialed", "resumed", "sessionLost", "gaveUp", "closed"). A listener's
 * options serve all its connections, so a test asks for one connection's events. Thread-safe.
 */
public final class ConnEvents implements ConnStateListener {
  private final List<Map.Entry<Conn, String>> all = new CopyOnWriteArrayList<>();

  /** The events of {@code conn}, in order. */
  public List<String> of(Conn conn) {
    List<String> out = new ArrayList<>();
    for (Map.Entry<Conn, String> e : all) {
      if (e.getKey() == conn) {
        out.add(e.getValue());
      }
    }
    return out;
  }

  /** How many events named {@code what} any connection was told. */
  public long count(String what) {
    return all.stream().filter(e -> e.getValue().equals(what)).count();
  }

  /** Every event's name, in order, for failure messages. */
  @Override
  public String toString() {
    List<String> names = new ArrayList<>();
    all.forEach(e -> names.add(e.getValue()));
    return names.toString();
  }

  private void add(Conn c, String what) {
    all.add(Map.entry(c, what));
  }

  @Override
  public void connected(Conn conn) {
    add(conn, "connected");
  }

  @Override
  public void disconnected(Conn conn, Throwable cause) {
    add(conn, "disconnected");
  }

  @Override
  public void redialed(Conn conn, int attempts) {
    add(conn, "redialed");
  }

  @Override
  public void resumed(Conn conn) {
    add(conn, "resumed");
  }

  @Override
  public void sessionLost(Conn conn, long resent) {
    add(conn, "sessionLost");
  }

  @Override
  public void gaveUp(Conn conn, Throwable lastError) {
    add(conn, "gaveUp");
  }

  @Override
  public void closed(Conn conn) {
    add(conn, "closed");
  }
}
