package dev.ftcp.redial;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.ftcp.Conn;
import dev.ftcp.Ftcp;
import dev.ftcp.FtcpTimeoutException;
import dev.ftcp.Message;
import dev.ftcp.Reader;
import dev.ftcp.redial.StateLog.Event;
import dev.ftcp.redial.StateLog.Kind;
import dev.ftcp.testing.NettyLeakCheck;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A client connection across an outage of its server: what was written during it arrives after
 * it, in order and once; a reader waits through it; the redial is reported and counted. Each
 * case runs for every transport and every kind of {@link Outage}.
 */
@Timeout(30)
class OutageIT {
  @RegisterExtension static final NettyLeakCheck LEAKS = new NettyLeakCheck();

  private static final Duration WITHIN = Duration.ofSeconds(10);
  private static final int MESSAGES = 10_000;

  static Stream<Arguments> transportsAndOutages() {
    return Transport.enabled().flatMap(t -> Arrays.stream(Outage.values())
        .map(o -> Arguments.of(t, o)));
  }

  /**
   * Depth 1000 (the default): the writer blocks on the full queue during the outage and goes on
   * after the redial. Depth 20,000: every message is queued during the outage.
   */
  static Stream<Arguments> transportsOutagesAndDepths() {
    return transportsAndOutages().flatMap(a -> Stream.of(1_000, 20_000)
        .map(depth -> Arguments.of(a.get()[0], a.get()[1], depth)));
  }

  @ParameterizedTest(name = "{0}, {1}, writeQueueDepth {2}")
  @MethodSource("transportsOutagesAndDepths")
  void messagesWrittenDuringAnOutageAllArriveInOrderOnce(Transport transport, Outage outage,
      int depth)
      throws Exception {
    try (Rig rig = Rig.start(transport)) {
      StateLog log = new StateLog();
      Conn c = rig.dial(outage.address(rig), b -> b.writeQueueDepth(depth).stateListener(log));
      c.write(Message.of("before"));
      await().atMost(WITHIN).until(() -> rig.server.receivedCount() == 1);

      outage.begin(rig);
      // Written only once the client knows: what is written to a socket the server already
      // closed is in the one window TCP may lose (PROTOCOL.md §8 "Redial").
      log.await(Kind.DISCONNECTED, 1, WITHIN);
      FutureTask<long[]> writer = Threads.start("writer", () -> {
        long[] ids = new long[MESSAGES];
        for (int i = 0; i < MESSAGES; i++) {
          ids[i] = c.write(Message.of(Integer.toString(i)));
        }
        return ids;
      });
      if (depth < MESSAGES) {
        await("writer blocked on the full queue").atMost(WITHIN)
            .until(() -> c.stats().queued() == depth);
        assertThat(writer.isDone()).as("writer blocked while the queue is full").isFalse();
      } else {
        writer.get(WITHIN.toMillis(), TimeUnit.MILLISECONDS);
        assertThat(c.stats().queued()).isEqualTo(MESSAGES);
      }
      assertThat(rig.server.receivedCount()).as("nothing got through the outage").isEqualTo(1);

      outage.end(rig);
      long[] ids = writer.get(WITHIN.toMillis(), TimeUnit.MILLISECONDS);
      c.write(Message.of("end")); // once "end" is in, any duplicate sent before it is in too
      await().atMost(WITHIN).until(() -> rig.server.receivedCount() >= MESSAGES + 2);

      List<Message> got = rig.server.received();
      assertThat(got).hasSize(MESSAGES + 2);
      assertThat(got.get(0).text()).isEqualTo("before");
      assertThat(got.get(MESSAGES + 1).text()).isEqualTo("end");
      for (int i = 0; i < MESSAGES; i++) {
        Message m = got.get(i + 1);
        if (!m.text().equals(Integer.toString(i)) || m.id() != ids[i]) {
          throw new AssertionError("message " + (i + 1) + " is " + m + " \"" + m.text()
              + "\", expected \"" + i + "\" with ID " + ids[i]);
        }
      }
      assertThat(ids[0]).isEqualTo(2);
      assertThat(ids[MESSAGES - 1]).isEqualTo(MESSAGES + 1);
      assertThat(c.stats().redials()).as("redials; events %s", log).isEqualTo(1);
      assertThat(c.stats().messagesDiscarded()).isZero();
    }
  }

  @ParameterizedTest(name = "{0}, {1}")
  @MethodSource("transportsAndOutages")
  void aReaderBlockedAcrossTheOutageGetsWhatIsSentAfterIt(Transport transport, Outage outage)
      throws Exception {
    try (Rig rig = Rig.start(transport)) {
      StateLog log = new StateLog();
      Conn c = rig.dial(outage.address(rig), b -> b.stateListener(log));
      try (Reader r = c.reader()) {
        FutureTask<Message> read = Threads.start("reader", r::read);
        await().atMost(WITHIN).until(() -> rig.server.sessions().size() == 1);

        outage.begin(rig);
        log.await(Kind.DISCONNECTED, 1, WITHIN);
        outage.end(rig);
        log.await(Kind.REDIALED, 1, WITHIN);
        await().atMost(WITHIN).until(() -> rig.server.sessions().size() == 2);
        assertThat(read.isDone()).as("read() still waiting after the redial").isFalse();

        rig.server.latest().conn.write(Message.of("after the redial"));
        assertThat(read.get(WITHIN.toMillis(), TimeUnit.MILLISECONDS).text())
            .isEqualTo("after the redial");
      }
    }
  }

  @ParameterizedTest(name = "{0}, {1}")
  @MethodSource("transportsAndOutages")
  void redialsAreReportedAndCounted(Transport transport, Outage outage) throws Exception {
    try (Rig rig = Rig.start(transport)) {
      StateLog log = new StateLog();
      Conn c = rig.dial(outage.address(rig), b -> b.stateListener(log));
      for (int n = 1; n <= 2; n++) {
        outage.begin(rig);
        log.await(Kind.DISCONNECTED, n, WITHIN);
        // Down for longer than the first waits (0, then 20 ms ± 20%): some attempts must fail.
        Threads.letPass(Duration.ofMillis(200));
        outage.end(rig);
        Event redialed = log.await(Kind.REDIALED, n, WITHIN);
        assertThat(redialed.attempts()).as("dial attempts of redial %d; events %s", n, log)
            .isGreaterThan(1);
        assertThat(c.stats().redials()).isEqualTo(n);
      }
      c.write(Message.of("still works"));
      await().atMost(WITHIN).until(() -> rig.server.receivedCount() == 1);

      assertThat(log.kinds()).containsExactly(Kind.CONNECTED, Kind.DISCONNECTED, Kind.REDIALED,
          Kind.DISCONNECTED, Kind.REDIALED);
      assertThat(log.events()).allSatisfy(e -> assertThat(e.thread()).doesNotStartWith("ftcp-io-"));
      assertThat(log.events().get(1).cause()).as("disconnect cause").isNotNull();
    }
  }

  /** Several writers during an outage: each one's messages arrive in its own order, once. */
  @ParameterizedTest(name = "{0}, {1}")
  @MethodSource("transportsAndOutages")
  void writersDuringAnOutageEachKeepTheirOrder(Transport transport, Outage outage)
      throws Exception {
    int writers = 4;
    int each = 2_500;
    try (Rig rig = Rig.start(transport)) {
      StateLog log = new StateLog();
      Conn c = rig.dial(outage.address(rig), b -> b.stateListener(log));
      outage.begin(rig);
      log.await(Kind.DISCONNECTED, 1, WITHIN);
      List<FutureTask<Void>> running = new ArrayList<>();
      for (int w = 0; w < writers; w++) {
        String name = "w" + w;
        running.add(Threads.start(name, () -> {
          for (int i = 0; i < each; i++) {
            c.write(Message.of(name + ":" + i));
          }
          return null;
        }));
      }
      await().atMost(WITHIN).until(() -> c.stats().queued() == Ftcp.DEFAULT_WRITE_QUEUE_DEPTH);
      outage.end(rig);
      for (FutureTask<Void> f : running) {
        f.get(WITHIN.toMillis(), TimeUnit.MILLISECONDS);
      }
      await().atMost(WITHIN).until(() -> rig.server.receivedCount() >= writers * each);

      List<Message> got = rig.server.received();
      assertThat(got).hasSize(writers * each);
      int[] next = new int[writers];
      for (Message m : got) {
        String[] parts = m.text().split(":");
        int w = Integer.parseInt(parts[0].substring(1));
        assertThat(Integer.parseInt(parts[1])).as("next from writer %d", w).isEqualTo(next[w]);
        next[w]++;
      }
      assertThat(got).extracting(Message::id).doesNotHaveDuplicates();
    }
  }

  /**
   * A request made during the outage waits for the redial and gets its reply, as does an
   * asynchronous one; neither times out before its own timeout.
   */
  @ParameterizedTest(name = "{0}, {1}")
  @MethodSource("transportsAndOutages")
  void requestsMadeDuringTheOutageAreAnsweredAfterIt(Transport transport, Outage outage)
      throws Exception {
    try (Rig rig = Rig.start(transport, b -> {}, m -> true)) {
      StateLog log = new StateLog();
      Conn c = rig.dial(outage.address(rig), b -> b.stateListener(log));
      outage.begin(rig);
      log.await(Kind.DISCONNECTED, 1, WITHIN);

      FutureTask<Message> sync =
          Threads.start("requester", () -> c.request(Message.of("sync"), WITHIN));
      CompletableFuture<Message> async = c.requestAsync(Message.of("async"), WITHIN);
      await().atMost(WITHIN).until(() -> c.stats().queued() == 2);
      outage.end(rig);

      assertThat(sync.get(WITHIN.toMillis(), TimeUnit.MILLISECONDS).text()).isEqualTo("sync");
      assertThat(async.get(WITHIN.toMillis(), TimeUnit.MILLISECONDS).text()).isEqualTo("async");
    }
  }

  /**
   * A reader that fell behind before the outage (its buffer full, so socket reading paused)
   * gets, once it reads again, what had arrived and then what the server sends after the
   * redial: reading resumes on the new connection.
   */
  @ParameterizedTest(name = "{0}, {1}")
  @MethodSource("transportsAndOutages")
  void aReaderThatFellBehindCatchesUpAfterTheRedial(Transport transport, Outage outage)
      throws Exception {
    int depth = 8;
    try (Rig rig = Rig.start(transport)) {
      StateLog log = new StateLog();
      Conn c = rig.dial(outage.address(rig), b -> b.readerBufferDepth(depth).stateListener(log));
      try (Reader r = c.reader()) {
        Conn s = rig.server.latest().conn;
        for (int i = 0; i < 100; i++) {
          s.write(Message.of("s" + i));
        }
        await().atMost(WITHIN).until(() -> c.stats().messagesIn() >= depth);

        outage.begin(rig);
        log.await(Kind.DISCONNECTED, 1, WITHIN);
        outage.end(rig);
        log.await(Kind.REDIALED, 1, WITHIN);
        await().atMost(WITHIN).until(() -> rig.server.sessions().size() == 2);
        rig.server.latest().conn.write(Message.of("after"));

        // What came before the outage, from the start and without a gap (the rest of the
        // server's 100 was in the dead connection's buffers), then what came after it.
        int next = 0;
        for (;;) {
          String text = r.read(WITHIN).text();
          if (text.equals("after")) {
            break;
          }
          assertThat(text).isEqualTo("s" + next);
          next++;
        }
        assertThat(next).isGreaterThanOrEqualTo(depth);
      }
    }
  }

  /** A write deadline ends a write blocked by the outage; the connection stays usable. */
  @ParameterizedTest(name = "{0}, {1}")
  @MethodSource("transportsAndOutages")
  void aWriteDeadlineEndsAWriteBlockedByTheOutage(Transport transport, Outage outage)
      throws Exception {
    try (Rig rig = Rig.start(transport)) {
      StateLog log = new StateLog();
      Conn c = rig.dial(outage.address(rig), b -> b.writeQueueDepth(4).stateListener(log));
      outage.begin(rig);
      log.await(Kind.DISCONNECTED, 1, WITHIN);
      for (int i = 0; i < 4; i++) {
        c.write(Message.of("q" + i));
      }
      c.setWriteDeadline(Instant.now().plusMillis(200));
      assertThatThrownBy(() -> c.write(Message.of("blocked")))
          .isInstanceOf(FtcpTimeoutException.class);
      c.setWriteDeadline(null);
      assertThat(c.isOpen()).isTrue();

      outage.end(rig);
      c.write(Message.of("after"));
      await().atMost(WITHIN).until(() -> rig.server.receivedCount() >= 5);
      assertThat(rig.server.received()).extracting(Message::text)
          .containsExactly("q0", "q1", "q2", "q3", "after");
    }
  }

  /**
   * {@code close()} sends what is queued, waiting at most {@code closeLinger}: also when it is
   * called while the connection is redialing and the server is back within the linger.
   */
  @ParameterizedTest(name = "{0}, {1}")
  @MethodSource("transportsAndOutages")
  // PROTOCOL.md §10 "Closing": close() sends what is queued, waiting at most closeLinger, also
  // while the connection is redialing.
  void closeDuringAnOutageSendsTheQueueIfTheServerIsBackWithinTheLinger(Transport transport,
      Outage outage) throws Exception {
    try (Rig rig = Rig.start(transport)) {
      StateLog log = new StateLog();
      Conn c = rig.dial(outage.address(rig),
          b -> b.closeLinger(Duration.ofSeconds(5)).stateListener(log));
      outage.begin(rig);
      log.await(Kind.DISCONNECTED, 1, WITHIN);
      for (int i = 0; i < 100; i++) {
        c.write(Message.of(Integer.toString(i)));
      }
      FutureTask<Void> closing = Threads.start("closer", () -> {
        c.close();
        return null;
      });
      await().atMost(WITHIN).until(() -> !c.isOpen());
      outage.end(rig);
      closing.get(WITHIN.toMillis(), TimeUnit.MILLISECONDS);

      assertThat(c.stats().messagesDiscarded()).as("discarded by close()").isZero();
      await().atMost(WITHIN).until(() -> rig.server.receivedCount() >= 100);
      assertThat(rig.server.received()).extracting(Message::text)
          .containsExactlyElementsOf(IntStream.range(0, 100).mapToObj(Integer::toString)
              .collect(Collectors.toList()));
    }
  }
}
