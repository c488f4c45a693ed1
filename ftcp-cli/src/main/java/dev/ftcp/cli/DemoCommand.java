package dev.ftcp.cli;

import dev.ftcp.Conn;
import dev.ftcp.ConnStateListener;
import dev.ftcp.ConnStats;
import dev.ftcp.Ftcp;
import dev.ftcp.FtcpTimeoutException;
import dev.ftcp.Listener;
import dev.ftcp.Message;
import dev.ftcp.Options;
import dev.ftcp.Reader;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code ftcp demo}: a server and a client in this process, on loopback, telling what ftcp does
 * as it does it: request/reply, fan-out to two readers, a server restart the client rides out
 * without losing a message, the counters, and a resumable session whose link is cut while both
 * sides write.
 *
 * <p>The command's thread plays the client and drives the story; one helper thread answers
 * requests for the server, because {@code request} blocks until the answer comes. The last
 * part runs its link through a {@link Relay} in this process, which can cut it.
 */
@Command(
    name = "demo",
    header = "See ftcp work: a server and a client in this process, no setup.",
    mixinStandardHelpOptions = true,
    description = {
      "Run a server and a client in this process on 127.0.0.1 and show, with timings:"
          + " request/reply, fan-out to two readers, the server restarting while the client"
          + " keeps writing (nothing lost), the connection counters, and a resumable session"
          + " whose link is cut while both sides write (every message arrives once, in order)."
          + " Needs no setup."
    })
final class DemoCommand implements Callable<Integer> {
  /** Longest wait for any one step; on loopback each takes milliseconds. */
  private static final Duration STEP_TIMEOUT = Duration.ofSeconds(10);
  /** How long the restarted server keeps trying to bind its port again. */
  private static final long REBIND_TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(5);
  private static final int WRITTEN_WHILE_DOWN = 5;
  /** Requests after the first, to show the round trip once classes are loaded. */
  private static final int WARM_REQUESTS = 200;
  /** Messages each side writes in the resumable session: half before the cut, half during. */
  private static final int SESSION_MESSAGES = 400;
  /** How long a reader waits for a message beyond the last expected, to be sure none comes. */
  private static final Duration NOTHING_MORE = Duration.ofMillis(50);

  @Spec CommandSpec spec;

  private Story story;

  @Override
  public Integer call() throws Exception {
    story = new Story(spec.commandLine().getOut());
    ExecutorService serverThread = Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, "ftcp-demo-server");
      t.setDaemon(true);
      return t;
    });
    LinkWatcher watcher = new LinkWatcher();
    Listener listener = null;
    Conn client = null;
    Conn server = null;
    try {
      story.title("ftcp demo: a server and a client in this process, over TCP on 127.0.0.1");
      listener = Ftcp.listen("127.0.0.1:0");
      String address = Addresses.format(listener.address());
      story.say("server listening on %s", address);
      client = Ftcp.dial(address, Options.builder().stateListener(watcher).build());
      server = listener.accept(STEP_TIMEOUT);
      story.say("client connected from %s", Addresses.format(client.localAddress()));

      requestReply(client, server, serverThread);
      fanOut(client, server);

      story.part("3. The server stops and starts again on the same port; the client keeps writing");
      // The listener first: closing the connection first would let the client's immediate
      // redial reach the old listener in the instant before it closes.
      listener.close();
      server.close();
      story.say("server stopped: listener and connection closed");
      Throwable cause = watcher.disconnected.get(STEP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
      story.say("client saw the link break and redials by itself: %s", Errors.message(cause));
      writeWhileDown(client);
      listener = listenAgain(address);
      story.say("server listening again on %s", address);
      server = listener.accept(STEP_TIMEOUT);
      int attempts = watcher.redialed.get(STEP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
      story.say("client redialed after %d %s, %s after the link broke", attempts,
          attempts == 1 ? "attempt" : "attempts",
          DurationConverter.formatNanos(watcher.redialedAt - watcher.disconnectedAt));
      receiveQueued(server);

      story.part("4. Counters: conn.stats() of the client, and of the server's new connection");
      // A write is counted when the event loop hears the kernel took it, which can be a moment
      // after the peer already read it: give the count that moment.
      awaitSent(client, 1 + WARM_REQUESTS + 3 + WRITTEN_WHILE_DOWN);
      story.say("client: %s", counters(client.stats()));
      story.say("server: %s", counters(server.stats()));

      resumableSession();
      story.end("done: every message arrived, none twice, in order. Next: ftcp --help");
      return 0;
    } catch (Exception e) {
      throw new Failure("the demo failed during \"" + story.currentPart + "\": "
          + Errors.describe(unwrap(e)), unwrap(e));
    } finally {
      if (client != null) {
        client.close();
      }
      if (server != null) {
        server.close();
      }
      if (listener != null) {
        listener.close();
      }
      serverThread.shutdownNow();
    }
  }

  /**
   * Both ends resumable, linked through a relay. Each side writes numbered messages, the relay
   * cuts the link under them, each writes more while it is down, then the link heals: each side
   * must read every number once, in order, and nothing after.
   */
  @SuppressWarnings("try") // the link is closed early on purpose, in the middle of the story
  private void resumableSession() throws Exception {
    story.part("5. A resumable session: the link is cut while both sides write");
    SessionWatcher clientEvents = new SessionWatcher();
    SessionWatcher serverEvents = new SessionWatcher();
    try (Listener listener = Ftcp.listen("127.0.0.1:0",
            Options.builder().resumable(true).stateListener(serverEvents).build());
        Relay relay = new Relay(listener.address());
        Conn client = Ftcp.dial(relay.address(),
            Options.builder().resumable(true).stateListener(clientEvents).build());
        Conn server = listener.accept(STEP_TIMEOUT);
        Reader atClient = client.reader();
        Reader atServer = server.reader()) {
      story.say("client and server with Options.resumable(true), through a relay that can cut"
          + " the link");
      int half = SESSION_MESSAGES / 2;
      writeNumbered(client, 1, half);
      writeNumbered(server, 1, half);
      relay.cut();
      story.say("each side wrote messages 1..%d, and the relay cut the link under them", half);
      clientEvents.disconnected.get(STEP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
      story.say("client saw the link break and redials; the server's connection stays open"
          + " (isOpen %b)", server.isOpen());
      writeNumbered(client, half + 1, SESSION_MESSAGES);
      writeNumbered(server, half + 1, SESSION_MESSAGES);
      story.say("with the link down, each side wrote %d..%d: not yet acknowledged, client %d,"
          + " server %d", half + 1, SESSION_MESSAGES, client.stats().queued(),
          server.stats().queued());
      relay.heal();
      clientEvents.resumed.get(STEP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
      serverEvents.resumed.get(STEP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
      story.say("the relay let the client's redial through: the session resumed (resumed(conn)"
          + " on both sides)");
      story.say("server %s", receiveNumbered(atServer));
      story.say("client %s", receiveNumbered(atClient));
      ConnStats c = client.stats();
      ConnStats s = server.stats();
      story.say("stats: resumes client %d, server %d; messagesResent client %d, server %d (not"
          + " received before, sent first on the new link)", c.resumes(), s.resumes(),
          c.messagesResent(), s.messagesResent());
      client.close(); // first: closing the server's end first would make the client redial
    }
  }

  private static void writeNumbered(Conn conn, int from, int to) throws IOException {
    for (int i = from; i <= to; i++) {
      conn.write(Message.of(Integer.toString(i)));
    }
  }

  /**
   * Reads {@link #SESSION_MESSAGES} messages and checks they are 1, 2, ... in order, then that
   * no more comes; fails the demo otherwise.
   */
  private static String receiveNumbered(Reader reader) throws IOException {
    for (int i = 1; i <= SESSION_MESSAGES; i++) {
      String got = reader.read(STEP_TIMEOUT).text();
      if (!got.equals(Integer.toString(i))) {
        throw new IllegalStateException("message " + i + " expected, \"" + got + "\" came");
      }
    }
    try {
      Message extra = reader.read(NOTHING_MORE);
      throw new IllegalStateException("a message beyond the last came: \"" + extra.text() + "\"");
    } catch (FtcpTimeoutException e) {
      // nothing more: as it should be
    }
    return String.format(Locale.ROOT,
        "read %d messages: 1..%d, each once and in order, then nothing more",
        SESSION_MESSAGES, SESSION_MESSAGES);
  }

  private void requestReply(Conn client, Conn server, ExecutorService serverThread)
      throws Exception {
    story.part("1. Request/reply: the reply names the request's ID as its repId");
    Future<?> answered = serverThread.submit(() -> answer(server, 1, false));
    long start = System.nanoTime();
    Message reply = client.request(Message.of("ping"), STEP_TIMEOUT);
    long roundTrip = System.nanoTime() - start;
    answered.get(STEP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    story.say("client asked \"ping\", server answered \"%s\" (repId %d) in %s (a cold start)",
        reply.text(), reply.repId(), DurationConverter.formatNanos(roundTrip));

    answered = serverThread.submit(() -> answerEach(server, WARM_REQUESTS));
    LatencyHistogram roundTrips = new LatencyHistogram();
    for (int i = 0; i < WARM_REQUESTS; i++) {
      long t = System.nanoTime();
      client.request(Message.of("ping"), STEP_TIMEOUT);
      roundTrips.record(System.nanoTime() - t);
    }
    answered.get(STEP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    story.say("%d more, one at a time: median round trip %s", WARM_REQUESTS,
        DurationConverter.formatNanos(roundTrips.percentile(50)));

    answered = serverThread.submit(() -> answer(server, 3, true));
    List<CompletableFuture<Message>> replies = new ArrayList<>();
    for (String q : List.of("a", "b", "c")) {
      replies.add(client.requestAsync(Message.of(q), STEP_TIMEOUT));
    }
    List<String> got = new ArrayList<>();
    for (CompletableFuture<Message> f : replies) {
      got.add(f.get(STEP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS).text());
    }
    answered.get(STEP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    if (!got.equals(List.of("pong a", "pong b", "pong c"))) {
      throw new IllegalStateException("replies went to the wrong requests: " + got);
    }
    story.say("3 requests in flight, answered in reverse order, each got its own: %s",
        quoted(got));
  }

  /** Server side: reads {@code count} requests, then answers each with "pong " + its text. */
  private static Void answer(Conn server, int count, boolean reverse) throws IOException {
    List<Message> requests = new ArrayList<>();
    try (Reader reader = server.reader()) {
      for (int i = 0; i < count; i++) {
        requests.add(reader.read(STEP_TIMEOUT));
      }
    }
    for (int i = 0; i < count; i++) {
      Message q = requests.get(reverse ? count - 1 - i : i);
      server.write(q.reply(("pong " + q.text()).getBytes(StandardCharsets.UTF_8)));
    }
    return null;
  }

  /** Server side: answers {@code count} requests one by one, as they come. */
  private static Void answerEach(Conn server, int count) throws IOException {
    try (Reader reader = server.reader()) {
      for (int i = 0; i < count; i++) {
        Message q = reader.read(STEP_TIMEOUT);
        server.write(q.reply(("pong " + q.text()).getBytes(StandardCharsets.UTF_8)));
      }
    }
    return null;
  }

  private void fanOut(Conn client, Conn server) throws IOException {
    story.part("2. Fan-out: every reader open on a connection gets every message");
    try (Reader a = client.reader();
        Reader b = client.reader()) {
      server.write(Message.of("news 1"));
      server.write(Message.of("news 2"));
      story.say("server wrote \"news 1\" and \"news 2\"; the client has readers A and B open");
      story.say("reader A got %s", quoted(List.of(readText(a), readText(a))));
      story.say("reader B got %s", quoted(List.of(readText(b), readText(b))));
    }
  }

  private static String readText(Reader reader) throws IOException {
    return reader.read(STEP_TIMEOUT).text();
  }

  private void writeWhileDown(Conn client) throws IOException {
    long start = System.nanoTime();
    for (int i = 1; i <= WRITTEN_WHILE_DOWN; i++) {
      client.write(Message.of("written while down " + i));
    }
    long took = System.nanoTime() - start;
    story.say("client wrote %d messages with no server there, in %s: %d queued",
        WRITTEN_WHILE_DOWN, DurationConverter.formatNanos(took), client.stats().queued());
  }

  private void receiveQueued(Conn server) throws IOException {
    List<String> got = new ArrayList<>();
    try (Reader reader = server.reader()) {
      for (int i = 1; i <= WRITTEN_WHILE_DOWN; i++) {
        got.add(reader.read(STEP_TIMEOUT).text());
      }
    }
    for (int i = 1; i <= WRITTEN_WHILE_DOWN; i++) {
      if (!got.get(i - 1).equals("written while down " + i)) {
        throw new IllegalStateException("out of order or lost: " + got);
      }
    }
    story.say("server received all %d, in order: \"%s\" .. \"%s\"", WRITTEN_WHILE_DOWN,
        got.get(0), got.get(WRITTEN_WHILE_DOWN - 1));
  }

  private static void awaitSent(Conn conn, long messages) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
    while (conn.stats().messagesOut() < messages && System.nanoTime() < deadline) {
      TimeUnit.MILLISECONDS.sleep(1);
    }
  }

  /**
   * Listens on the port used before. The port is free once the old listener closed, but a
   * slow release by the kernel is retried briefly rather than failing the demo.
   */
  private static Listener listenAgain(String address) throws IOException, InterruptedException {
    long deadline = System.nanoTime() + REBIND_TIMEOUT_NANOS;
    while (true) {
      try {
        return Ftcp.listen(address);
      } catch (IOException e) {
        if (!addressInUse(e) || System.nanoTime() > deadline) {
          throw e;
        }
        TimeUnit.MILLISECONDS.sleep(50);
      }
    }
  }

  /** NIO reports a BindException; Netty's native transports an IOException saying so. */
  private static boolean addressInUse(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof BindException
          || (t.getMessage() != null && t.getMessage().contains("in use"))) {
        return true;
      }
    }
    return false;
  }

  private static String counters(ConnStats s) {
    return String.format(Locale.ROOT,
        "sent %d (%d bytes), received %d (%d bytes), redials %d, queued %d, discarded %d",
        s.messagesOut(), s.bytesOut(), s.messagesIn(), s.bytesIn(), s.redials(), s.queued(),
        s.messagesDiscarded());
  }

  private static String quoted(List<String> texts) {
    return texts.stream().map(t -> "\"" + t + "\"").collect(Collectors.joining(", "));
  }

  private static Throwable unwrap(Throwable e) {
    return e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
  }

  /** Catches the client's state changes, which come on the callback executor. */
  private static final class LinkWatcher implements ConnStateListener {
    final CompletableFuture<Throwable> disconnected = new CompletableFuture<>();
    final CompletableFuture<Integer> redialed = new CompletableFuture<>();
    volatile long disconnectedAt;
    volatile long redialedAt;

    @Override
    public void disconnected(Conn conn, Throwable cause) {
      disconnectedAt = System.nanoTime();
      disconnected.complete(cause == null ? new IOException("end of stream") : cause);
    }

    @Override
    public void redialed(Conn conn, int attempts) {
      redialedAt = System.nanoTime();
      redialed.complete(attempts);
    }
  }

  /** Catches a resumable connection's link breaking and its session resuming. */
  private static final class SessionWatcher implements ConnStateListener {
    final CompletableFuture<Throwable> disconnected = new CompletableFuture<>();
    final CompletableFuture<Void> resumed = new CompletableFuture<>();

    @Override
    public void disconnected(Conn conn, Throwable cause) {
      disconnected.complete(cause);
    }

    @Override
    public void resumed(Conn conn) {
      resumed.complete(null);
    }
  }

  /**
   * A TCP relay between the client and the server that can cut the link, as a network outage
   * would: {@link #cut} closes both sockets of the link, and the links that come while it is
   * cut wait, unconnected, until {@link #heal}.
   */
  private static final class Relay implements AutoCloseable {
    private final InetSocketAddress server;
    private final ServerSocket socket;
    private final List<Socket> sockets = new ArrayList<>();
    private volatile CountDownLatch healed = new CountDownLatch(0);

    Relay(InetSocketAddress server) throws IOException {
      this.server = server;
      this.socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
      daemon("ftcp-demo-relay", this::acceptLoop);
    }

    String address() {
      return Addresses.format((InetSocketAddress) socket.getLocalSocketAddress());
    }

    synchronized void cut() {
      healed = new CountDownLatch(1);
      sockets.forEach(Relay::closeQuietly);
      sockets.clear();
    }

    void heal() {
      healed.countDown();
    }

    @Override
    public synchronized void close() {
      closeQuietly(socket);
      heal();
      sockets.forEach(Relay::closeQuietly);
    }

    private void acceptLoop() {
      try {
        while (true) {
          Socket fromClient = socket.accept();
          healed.await();
          Socket toServer = new Socket(server.getAddress(), server.getPort());
          synchronized (this) {
            sockets.add(fromClient);
            sockets.add(toServer);
          }
          daemon("ftcp-demo-relay-up", () -> pump(fromClient, toServer));
          daemon("ftcp-demo-relay-down", () -> pump(toServer, fromClient));
        }
      } catch (IOException | InterruptedException e) {
        // the relay closed
      }
    }

    private static void pump(Socket from, Socket to) {
      try {
        from.getInputStream().transferTo(to.getOutputStream());
      } catch (IOException e) {
        // the link was cut
      }
      closeQuietly(from);
      closeQuietly(to);
    }

    private static void daemon(String name, Runnable r) {
      Thread t = new Thread(r, name);
      t.setDaemon(true);
      t.start();
    }

    private static void closeQuietly(java.io.Closeable c) {
      try {
        c.close();
      } catch (IOException e) {
        // closing anyway
      }
    }
  }

  /** Prints the story: parts, and lines stamped with the time since the start. */
  private static final class Story {
    private final PrintWriter out;
    private final long start = System.nanoTime();
    String currentPart = "setup";

    Story(PrintWriter out) {
      this.out = out;
    }

    void title(String title) {
      out.println(title);
      out.println();
    }

    void part(String title) {
      currentPart = title;
      out.println();
      out.println(title);
      out.flush();
    }

    void say(String format, Object... args) {
      String at = DurationConverter.formatNanos(System.nanoTime() - start);
      out.printf(Locale.ROOT, "  %9s  %s%n", at, String.format(Locale.ROOT, format, args));
      out.flush();
    }

    void end(String line) {
      out.println();
      say("%s", line);
    }
  }
}
