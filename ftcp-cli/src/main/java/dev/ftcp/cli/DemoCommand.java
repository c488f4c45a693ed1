package dev.ftcp.cli;

import dev.ftcp.Conn;
import dev.ftcp.ConnStateListener;
import dev.ftcp.ConnStats;
import dev.ftcp.Ftcp;
import dev.ftcp.Listener;
import dev.ftcp.Message;
import dev.ftcp.Options;
import dev.ftcp.Reader;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.BindException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
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
 * without losing a message, and the counters.
 *
 * <p>The command's thread plays the client and drives the story; one helper thread answers
 * requests for the server, because {@code request} blocks until the answer comes.
 */
@Command(
    name = "demo",
    header = "See ftcp work: a server and a client in this process, no setup.",
    mixinStandardHelpOptions = true,
    description = {
      "Run a server and a client in this process on 127.0.0.1 and show, with timings:"
          + " request/reply, fan-out to two readers, the server restarting while the client"
          + " keeps writing (nothing lost), and the connection counters. Needs no setup."
    })
final class DemoCommand implements Callable<Integer> {
  /** Longest wait for any one step; on loopback each takes milliseconds. */
  private static final Duration STEP_TIMEOUT = Duration.ofSeconds(10);
  /** How long the restarted server keeps trying to bind its port again. */
  private static final long REBIND_TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(5);
  private static final int WRITTEN_WHILE_DOWN = 5;
  /** Requests after the first, to show the round trip once classes are loaded. */
  private static final int WARM_REQUESTS = 200;

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
