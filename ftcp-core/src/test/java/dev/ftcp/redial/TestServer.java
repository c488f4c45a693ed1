package dev.ftcp.redial;

import dev.ftcp.Conn;
import dev.ftcp.ConnectionClosedException;
import dev.ftcp.Ftcp;
import dev.ftcp.Listener;
import dev.ftcp.Message;
import dev.ftcp.Options;
import dev.ftcp.Reader;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;

/**
 * A real ftcp server that can be stopped and started again on the same port, as a restarted
 * server is. It accepts every connection and reads it on a thread of its own, recording what
 * each connection received; it replies (echoing the payload) to the messages {@code echo}
 * selects.
 *
 * <p>What was received is kept per connection, in accept order: a client that redials reaches
 * the server on a new connection only after the old one broke, so concatenating them gives the
 * order the server saw, whatever the reading threads' timing.
 *
 * <p>Thread-safe.
 */
final class TestServer implements AutoCloseable {
  /** One accepted connection and what it received. */
  static final class Session {
    final Conn conn;
    private final List<Message> received = new CopyOnWriteArrayList<>();
    private final Thread reading;

    private Session(Conn conn, Predicate<Message> echo) {
      this.conn = conn;
      this.reading = new Thread(() -> read(echo), "test-server-reader");
      this.reading.setDaemon(true);
    }

    private void read(Predicate<Message> echo) {
      try (Reader r = conn.reader()) {
        for (;;) {
          Message m = r.read();
          received.add(m);
          if (echo.test(m)) {
            conn.write(m.reply(m.data()));
          }
        }
      } catch (ConnectionClosedException e) {
        // The connection ended (closed by the test, or broken by the client or the proxy).
      } catch (IOException e) {
        throw new IllegalStateException("server connection failed unexpectedly", e);
      }
    }

    List<Message> received() {
      return List.copyOf(received);
    }
  }

  private final Options options;
  private final Predicate<Message> echo;
  private final List<Session> sessions = new CopyOnWriteArrayList<>();
  private volatile int port;
  private Listener listener; // guarded by this
  private Thread accepting; // guarded by this

  private TestServer(Options options, Predicate<Message> echo) {
    this.options = options;
    this.echo = echo;
  }

  /** Starts a server on a free loopback port. */
  static TestServer start(Options options, Predicate<Message> echo) throws IOException {
    TestServer s = new TestServer(options, echo);
    s.start();
    return s;
  }

  static TestServer start(Options options) throws IOException {
    return start(options, m -> false);
  }

  /** Listens (again) on the same port as before. */
  synchronized void start() throws IOException {
    if (listener != null) {
      throw new IllegalStateException("already listening on " + port);
    }
    Listener l = Ftcp.listen("127.0.0.1:" + port, options);
    port = l.address().getPort();
    listener = l;
    accepting = new Thread(() -> accept(l), "test-server-accept-" + port);
    accepting.setDaemon(true);
    accepting.start();
  }

  private void accept(Listener l) {
    try {
      for (;;) {
        Session s = new Session(l.accept(), echo);
        sessions.add(s);
        s.reading.start();
      }
    } catch (ConnectionClosedException e) {
      // stop() closed the listener.
    } catch (IOException e) {
      throw new IllegalStateException("accept failed unexpectedly", e);
    }
  }

  /**
   * Goes away as a server process does: stops listening (so dials are refused), closes every
   * connection (the clients read end of stream), and waits until their readers are done.
   */
  synchronized void stop() throws InterruptedException {
    if (listener == null) {
      return;
    }
    listener.close();
    accepting.join();
    listener = null;
    accepting = null;
    for (Session s : sessions) {
      s.conn.close();
    }
    for (Session s : sessions) {
      s.reading.join();
    }
  }

  String hostPort() {
    return "127.0.0.1:" + port;
  }

  int port() {
    return port;
  }

  List<Session> sessions() {
    return List.copyOf(sessions);
  }

  /** The connection accepted last. */
  Session latest() {
    return sessions.get(sessions.size() - 1);
  }

  /** Everything received, connection after connection in accept order. */
  List<Message> received() {
    List<Message> all = new ArrayList<>();
    for (Session s : sessions) {
      all.addAll(s.received());
    }
    return all;
  }

  int receivedCount() {
    int n = 0;
    for (Session s : sessions) {
      n += s.received.size();
    }
    return n;
  }

  @Override
  public void close() {
    try {
      stop();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt(); // @Timeout interrupted the test: leave what is left
    }
  }
}
