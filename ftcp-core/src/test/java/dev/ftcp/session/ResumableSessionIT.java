package dev.ftcp.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.ftcp.Conn;
import dev.ftcp.Ftcp;
import dev.ftcp.FtcpException;
import dev.ftcp.FtcpTimeoutException;
import dev.ftcp.Listener;
import dev.ftcp.Message;
import dev.ftcp.Options;
import dev.ftcp.Reader;
import dev.ftcp.testing.FaultProxy;
import dev.ftcp.testing.FaultProxy.Cut;
import dev.ftcp.testing.FaultProxy.Refusal;
import dev.ftcp.testing.ConnEvents;
import dev.ftcp.testing.NettyLeakCheck;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Resumable sessions (docs/PROTOCOL.md §14.1) through a proxy that breaks links: every message
 * arrives once and in order in both directions, requests in flight survive, the server keeps
 * one connection for its client; and what happens when a session is lost or the peers disagree.
 */
@Timeout(120)
class ResumableSessionIT {
  @RegisterExtension static final NettyLeakCheck LEAKS = new NettyLeakCheck();

  private static final Duration WITHIN = Duration.ofSeconds(30);
  private static final ExecutorService THREADS = Executors.newCachedThreadPool();

  @AfterAll
  static void stopThreads() {
    THREADS.shutdownNow();
  }

  private static Options.Builder resumable() {
    return Options.builder().resumable(true).redialBackoff(Duration.ofMillis(5))
        .maxRedialBackoff(Duration.ofMillis(50));
  }

  private static Message numbered(int i) {
    return Message.of(ByteBuffer.allocate(4).putInt(i).array());
  }

  private static int number(Message m) {
    return ByteBuffer.wrap(m.data()).getInt();
  }

  /** Reads {@code n} numbered messages and checks they are 0..n-1 in order. */
  private static CompletableFuture<Void> expectInOrder(Reader r, int n) {
    return CompletableFuture.runAsync(() -> {
      try {
        for (int i = 0; i < n; i++) {
          int got = number(r.read(WITHIN));
          if (got != i) {
            throw new AssertionError("expected #" + i + ", got #" + got);
          }
        }
      } catch (Exception e) {
        throw new RuntimeException(e);
      }
    }, THREADS); // a thread each: they block, and the common pool may have one thread
  }

  private static CompletableFuture<Void> writeNumbered(Conn c, int n) {
    return CompletableFuture.runAsync(() -> {
      try {
        for (int i = 0; i < n; i++) {
          c.write(numbered(i));
        }
      } catch (Exception e) {
        throw new RuntimeException(e);
      }
    }, THREADS); // a thread each: they block, and the common pool may have one thread
  }

  @Test
  void nothingIsLostDuplicatedOrReorderedInEitherDirectionAcrossCutsAndRefusals()
      throws Exception {
    int n = 200_000;
    ConnEvents serverEvents = new ConnEvents();
    try (Listener l = Ftcp.listen("127.0.0.1:0", resumable().stateListener(serverEvents).build());
        FaultProxy proxy = FaultProxy.to(l.address())) {
      ConnEvents clientEvents = new ConnEvents();
      try (Conn c = Ftcp.dial(proxy.hostPort(), resumable().stateListener(clientEvents).build());
          Conn s = l.accept(WITHIN);
          Reader atServer = s.reader();
          Reader atClient = c.reader()) {
        CompletableFuture<Void> serverGot = expectInOrder(atServer, n);
        CompletableFuture<Void> clientGot = expectInOrder(atClient, n);
        CompletableFuture<Void> clientWrote = writeNumbered(c, n);
        CompletableFuture<Void> serverWrote = writeNumbered(s, n);
        Random random = new Random(42);
        int cuts = 0;
        while (!(serverGot.isDone() && clientGot.isDone()) && cuts < 40) {
          long before = c.stats().messagesIn() + s.stats().messagesIn();
          try {
            await().atMost(WITHIN).until(() -> serverGot.isDone() && clientGot.isDone()
                || c.stats().messagesIn() + s.stats().messagesIn() > before + 2_000);
          } catch (org.awaitility.core.ConditionTimeoutException e) {
            throw new AssertionError("no progress after cut " + cuts + ": client " + c
                + " " + c.stats() + " events " + clientEvents + "; server " + s + " "
                + s.stats() + " events " + serverEvents, e);
          }
          switch (random.nextInt(3)) {
            case 0 -> proxy.cutAll(Cut.RESET);
            case 1 -> proxy.cutAll(Cut.FIN);
            default -> {
              proxy.refuseFor(Duration.ofMillis(30), Refusal.ACCEPT_AND_CLOSE);
              proxy.cutAll(Cut.RESET);
            }
          }
          cuts++;
        }
        CompletableFuture.allOf(serverGot, clientGot, clientWrote, serverWrote)
            .get(WITHIN.toSeconds(), java.util.concurrent.TimeUnit.SECONDS);
        assertThat(cuts).isGreaterThan(5);
        assertThat(c.stats().resumes()).isPositive();
        assertThat(clientEvents.count("resumed")).isPositive();
        assertThat(clientEvents.count("sessionLost")).isZero();
        assertThat(serverEvents.count("resumed")).isPositive();
        assertThat(s.isOpen()).isTrue();
        assertThatThrownBy(() -> l.accept(Duration.ofMillis(200)))
            .isInstanceOf(FtcpTimeoutException.class); // the client came back to one session
        assertThat(c.stats().messagesDiscarded()).isZero();
      }
    }
  }

  @Test
  void aRequestInFlightWhenTheLinkBreaksGetsItsReply() throws Exception {
    try (Listener l = Ftcp.listen("127.0.0.1:0", resumable().build());
        FaultProxy proxy = FaultProxy.to(l.address());
        Conn c = Ftcp.dial(proxy.hostPort(), resumable().build());
        Conn s = l.accept(WITHIN);
        Reader atServer = s.reader()) {
      CompletableFuture<Message> reply = c.requestAsync(Message.of("ping"), WITHIN);
      Message q = atServer.read(WITHIN);
      proxy.cutAll(Cut.RESET);
      s.write(q.reply("pong".getBytes())); // queued while the server's link is down, or not
      assertThat(reply.get(WITHIN.toSeconds(), java.util.concurrent.TimeUnit.SECONDS).text())
          .isEqualTo("pong");
    }
  }

  @Test
  void anExpiredSessionFailsOnTheServerAndTheClientSendsAgainWhatWasNotAcknowledged()
      throws Exception {
    ConnEvents serverEvents = new ConnEvents();
    ConnEvents clientEvents = new ConnEvents();
    try (Listener l = Ftcp.listen("127.0.0.1:0", resumable().stateListener(serverEvents)
            .resumeTimeout(Duration.ofMillis(200)).build());
        FaultProxy proxy = FaultProxy.to(l.address());
        Conn c = Ftcp.dial(proxy.hostPort(), resumable().stateListener(clientEvents).build());
        Conn s = l.accept(WITHIN)) {
      proxy.refuse(Refusal.NOT_LISTENING);
      proxy.cutAll(Cut.RESET);
      c.write(Message.of("during the outage"));
      await().atMost(WITHIN).until(() -> serverEvents.of(s).contains("closed"));
      assertThat(s.isOpen()).isFalse();
      assertThat(serverEvents.of(s)).containsExactly("connected", "disconnected", "closed");
      proxy.refuse(false);
      try (Conn again = l.accept(WITHIN); Reader r = again.reader()) {
        assertThat(r.read(WITHIN).text()).isEqualTo("during the outage");
        await().atMost(WITHIN).until(() -> clientEvents.count("sessionLost") == 1);
        assertThat(c.stats().resumes()).isZero();
      }
    }
  }

  @Test
  @SuppressWarnings("try") // closing the client is what the test is about
  void aClientThatClosesEndsItsSessionOnTheServerAtOnce() throws Exception {
    ConnEvents serverEvents = new ConnEvents();
    try (Listener l = Ftcp.listen("127.0.0.1:0", resumable().stateListener(serverEvents)
            .resumeTimeout(Duration.ofMinutes(5)).build());
        Conn c = Ftcp.dial("127.0.0.1:" + l.address().getPort(), resumable().build());
        Conn s = l.accept(WITHIN)) {
      c.write(Message.of("last words"));
      c.close();
      await().atMost(Duration.ofSeconds(10)).until(() -> serverEvents.of(s).contains("closed"));
      assertThat(s.isOpen()).isFalse();
      assertThat(serverEvents.of(s)).containsExactly("connected", "disconnected", "closed");
      try (Reader r = s.reader()) {
        assertThat(r.read(WITHIN).text()).isEqualTo("last words");
      }
    }
  }

  @Test
  void aResumableClientFailsItsDialAgainstAServerThatIsNot() throws Exception {
    try (Listener plain = Ftcp.listen("127.0.0.1:0")) {
      long start = System.nanoTime();
      assertThatThrownBy(() -> Ftcp.dial("127.0.0.1:" + plain.address().getPort(),
              resumable().connectTimeout(Duration.ofMillis(500)).build()))
          .isInstanceOf(FtcpException.class).hasMessageContaining("resumable");
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
    }
  }

  @Test
  void aResumableServerClosesAClientThatIsNot() throws Exception {
    ConnEvents clientEvents = new ConnEvents();
    try (Listener l = Ftcp.listen("127.0.0.1:0", resumable().build());
        Conn c = Ftcp.dial("127.0.0.1:" + l.address().getPort(),
            Options.builder().stateListener(clientEvents).build())) {
      c.write(Message.of("hello"));
      await().atMost(WITHIN).until(() -> clientEvents.count("disconnected") >= 1);
      assertThatThrownBy(() -> l.accept(Duration.ofMillis(200)))
          .isInstanceOf(FtcpTimeoutException.class);
    }
  }
}
