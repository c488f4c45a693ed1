package dev.ftcp.cli;

import dev.ftcp.ConnectionClosedException;
import dev.ftcp.Conn;
import dev.ftcp.Ftcp;
import dev.ftcp.Listener;
import dev.ftcp.Message;
import dev.ftcp.Options;
import dev.ftcp.Reader;
import dev.ftcp.TlsConfig;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code ftcp listen}: accepts connections and prints every message received; with
 * {@code --echo}, answers each with its own payload. Runs until Ctrl-C (or a stop request).
 *
 * <p>Each connection is read by its own thread; output lines are whole lines, whatever thread
 * prints them.
 */
@Command(
    name = "listen",
    header = "Accept connections; print (or echo) every message.",
    mixinStandardHelpOptions = true,
    description = {
      "Accept connections and print each message received: its id, repId, size, and payload"
          + " (as text when it is UTF-8 text, else as hex).",
      "Runs until Ctrl-C."
    },
    footer = {
      "",
      "Examples:",
      "  ftcp listen 127.0.0.1:9000",
      "  ftcp listen :9000 --echo --quiet          (a peer for 'ftcp bench')",
      "  ftcp listen :9443 --tls-cert cert.pem --tls-key key.pem --client-ca ca.pem"
    })
final class ListenCommand implements Callable<Integer> {
  /** How long stopping waits for connection threads to print their last line. */
  private static final long STOP_WAIT_MILLIS = 2_000;

  @Spec CommandSpec spec;
  @ParentCommand Main main;

  @Parameters(
      index = "0",
      paramLabel = "ADDR",
      description = "Where to listen: host:port, or :port for all interfaces; port 0 picks one.")
  String address;

  @Option(names = "--echo", description = "Reply to each message with its own payload.")
  boolean echo;

  @Option(
      names = {"-q", "--quiet"},
      description = "Do not print each message, only connections coming and going (for"
          + " benchmarks).")
  boolean quiet;

  @Option(
      names = "--tls-cert",
      paramLabel = "FILE",
      description = "Serve TLS with this certificate chain (PEM).")
  Path tlsCert;

  @Option(
      names = "--tls-key",
      paramLabel = "FILE",
      description = "Private key (PEM) of --tls-cert.")
  Path tlsKey;

  @Option(
      names = "--client-ca",
      paramLabel = "FILE",
      description = "Require client certificates signed by a CA in this PEM file (mutual TLS).")
  Path clientCa;

  @Option(
      names = "--big-frames",
      description = "4-byte length prefixes (payloads up to 16 MiB); peers must use them too.")
  boolean bigFrames;

  private final Map<Conn, Thread> connections = new ConcurrentHashMap<>();

  @Override
  public Integer call() throws IOException, InterruptedException {
    PrintWriter out = spec.commandLine().getOut();
    Listener listener = open();
    main.stopRequested().thenRun(listener::close);
    out.println("listening on " + Addresses.format(listener.address())
        + (tlsCert != null ? " (TLS" + (clientCa != null ? ", client certificates required)" : ")")
            : " (TCP)")
        + (echo ? ", echoing" : ""));
    out.flush();
    try {
      while (true) {
        Conn conn;
        try {
          conn = listener.accept();
        } catch (ConnectionClosedException e) {
          if (main.stopRequested().isDone()) {
            return 0;
          }
          throw new Failure("the listener closed: " + Errors.describe(e), e);
        }
        serve(conn, out);
      }
    } finally {
      listener.close();
      stopConnections();
    }
  }

  private Listener open() throws IOException {
    Options.Builder options = Options.builder().bigFrames(bigFrames);
    if (tlsCert != null || tlsKey != null) {
      if (tlsCert == null || tlsKey == null) {
        throw new ParameterException(spec.commandLine(), "--tls-cert and --tls-key go together");
      }
      TlsConfig.Builder tls = TlsConfig.server(
          ClientOptions.readable(spec, "--tls-cert", tlsCert),
          ClientOptions.readable(spec, "--tls-key", tlsKey));
      if (clientCa != null) {
        tls.requireClientAuth(ClientOptions.readable(spec, "--client-ca", clientCa));
      }
      options.tls(tls.build());
    } else if (clientCa != null) {
      throw new ParameterException(spec.commandLine(),
          "--client-ca needs --tls-cert and --tls-key");
    }
    try {
      return Ftcp.listen(address, options.build());
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), Errors.message(e));
    } catch (IOException e) {
      throw new Failure("cannot listen on " + address + ": " + Errors.describe(e), e);
    }
  }

  /** Reads one connection on its own thread until it closes. */
  private void serve(Conn conn, PrintWriter out) {
    String peer = Addresses.format(conn.remoteAddress());
    Thread t = new Thread(() -> readAll(conn, peer, out), "ftcp-listen " + peer);
    t.setDaemon(true);
    connections.put(conn, t);
    out.println(peer + " connected");
    t.start();
  }

  private void readAll(Conn conn, String peer, PrintWriter out) {
    long count = 0;
    boolean peerGone = false;
    String end = "closed";
    try (Reader reader = conn.reader()) {
      while (true) {
        Message m = reader.read();
        count++;
        if (!quiet) {
          out.println(peer + " " + Payloads.describe(m));
        }
        if (echo && !peerGone) {
          try {
            conn.write(m.reply(m.data()));
          } catch (ConnectionClosedException gone) {
            // The peer closed after sending: no one to answer, but what it sent before it
            // went is still ours to read.
            peerGone = true;
          }
        }
      }
    } catch (ConnectionClosedException e) {
      // The peer went away, or we are stopping: the normal ends of a connection. The root
      // cause tells an orderly close by the peer from a reset.
      if (!main.stopRequested().isDone()) {
        end = "closed (" + Errors.message(Errors.rootCause(e)) + ")";
      }
    } catch (IOException | RuntimeException e) {
      end = "failed: " + Errors.describe(e);
    } finally {
      conn.close();
      connections.remove(conn);
    }
    out.println(peer + " " + end + " after " + count + (count == 1 ? " message" : " messages"));
  }

  private void stopConnections() throws InterruptedException {
    // Threads remove their own entry as they end, so take the list first.
    List<Thread> threads = List.copyOf(connections.values());
    connections.keySet().forEach(Conn::close);
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(STOP_WAIT_MILLIS);
    for (Thread t : threads) {
      t.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
    }
  }
}
