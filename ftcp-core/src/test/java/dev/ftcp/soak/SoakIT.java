package dev.ftcp.soak;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.ftcp.Conn;
import dev.ftcp.ConnStats;
import dev.ftcp.Ftcp;
import dev.ftcp.Listener;
import dev.ftcp.Message;
import dev.ftcp.Reader;
import dev.ftcp.redial.Threads;
import dev.ftcp.soak.SoakConfig.Mode;
import dev.ftcp.soak.Violations.Category;
import dev.ftcp.soak.Violations.Kind;
import dev.ftcp.testing.FaultProxy;
import dev.ftcp.testing.NettyLeakCheck;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The soak: many clients, each with several readers, doing one-way writes and requests through
 * fault proxies that cut, stall and fragment their links all the time; at the end, every
 * message accounted for against README's "Delivery guarantee" ({@link SoakChecks} says exactly
 * what is checked), and the process back to the threads, files and heap it started with.
 *
 * <pre>
 *   200 x SoakClient --dial--> 10 x FaultProxy --> one ftcp Listener (SoakServer)
 *     writer thread: write / requestAsync / request, 10 msgs/s each, seq = ID
 *     reader 0 (blocking) + readers 1..2 (readAsync)      echoes every message back
 *   Chaos: every proxy, ~1 fault/s: RESET, FIN, outage, delay, fragment
 * </pre>
 *
 * <p>Two runs, one per {@link SoakConfig.Mode}: plain connections, where the kernel's window may
 * lose messages at a cut and the checks allow exactly that; and resumable sessions on both
 * ends, the same load and faults, where nothing may be lost, duplicated or reordered, and each
 * client's session is accepted once.
 *
 * <p>Run by {@code mvn verify} (Failsafe, in a JVM of its own, so that threads, descriptors
 * and heap are measured against a clean start), 45 s of faults per mode and about two minutes
 * in all with the defaults. Longer or shorter, one mode only, and other settings
 * ({@link SoakConfig}):
 *
 * <pre>
 *   mvn -B -pl ftcp-core verify -Dtest=NONE -Dsurefire.failIfNoSpecifiedTests=false \
 *       -Dit.test=SoakIT -Dftcp.soak.resumable=true -Dftcp.soak.duration=30m \
 *       -Dftcp.soak.forkTimeout=0
 * </pre>
 *
 * <p>Nothing here waits on time to pass a check: the load is paced at a rate and the faults
 * come at random intervals (both lengths of time by design), and every wait for a condition is
 * bounded. Timing shows only in figures, never in a verdict: a reply that comes after its
 * request timed out is counted as late, not as lost.
 *
 * <p>The summary goes to standard output as one line, and to {@code target/soak-summary.json}
 * ({@code soak-summary-resumable.json} for the resumable run).
 */
class SoakIT {
  @RegisterExtension static final NettyLeakCheck LEAKS = new NettyLeakCheck();

  /** How far heap after GC may exceed its starting value: a constant, whatever the run length. */
  static final long HEAP_SLACK = 16L << 20;
  private static final Duration PROGRESS_EVERY = Duration.ofSeconds(30);

  /**
   * {@code @Timeout} takes a constant: this one bounds the longest soak {@link SoakConfig}
   * accepts. Each run is bounded much closer, by its own duration plus
   * {@link SoakConfig#SETTLE_LIMIT} (below).
   */
  @Test
  @Timeout(value = 4, unit = TimeUnit.HOURS)
  void plain() throws Exception {
    soak(Mode.PLAIN);
  }

  @Test
  @Timeout(value = 4, unit = TimeUnit.HOURS)
  void resumable() throws Exception {
    soak(Mode.RESUMABLE);
  }

  private void soak(Mode mode) throws Exception {
    Assumptions.assumeTrue(SoakConfig.enabledModes().contains(mode),
        () -> "-Dftcp.soak.resumable leaves out the " + mode + " soak");
    SoakConfig config = SoakConfig.fromSystemProperties(mode);
    int runs = SoakConfig.enabledModes().size();
    Duration all = config.limit().multipliedBy(runs);
    if (!config.forkTimeout().isZero() && all.compareTo(config.forkTimeout()) > 0) {
      throw new IllegalArgumentException(runs + " soak run(s) of "
          + SoakConfig.human(config.duration()) + " may take up to " + SoakConfig.human(all)
          + ", more than the " + SoakConfig.human(config.forkTimeout()) + " the build gives the"
          + " test JVM: add -Dftcp.soak.forkTimeout=0 (no limit) or a number of seconds, or"
          + " run one mode (-Dftcp.soak.resumable=true or false)");
    }
    assertTimeoutPreemptively(config.limit(), () -> runAndCheck(config),
        () -> "the " + mode + " soak did not end within " + SoakConfig.human(config.limit()));
  }

  private void runAndCheck(SoakConfig config) throws Exception {
    warmUp(config);
    Resources before = Resources.take();
    long start = System.nanoTime();
    Violations violations = new Violations();
    SoakSummary summary = new SoakSummary();
    run(config, violations, summary); // everything it made is unreachable once it returns

    List<String> leaks = NettyLeakCheck.collectLeaks();
    Resources after = awaitResources(before);
    summary.put("totalTime", SoakConfig.human(Duration.ofNanos(System.nanoTime() - start)));
    long duplicates = violations.count(Category.DUPLICATE_OR_REORDER);
    long losses = violations.count(Category.LOSS);
    summary.put("duplicatesOrReorders", duplicates)
        .put("lossesNotAllowed", losses)
        .put("otherViolations", violations.total() - duplicates - losses)
        .put("violations", violations.byKind())
        .put("threadsBefore", before.threads()).put("threadsAfter", after.threads())
        .put("threadsDelta", after.threads() - before.threads())
        .put("ftcpIoThreadsBefore", before.ioThreads()).put("ftcpIoThreadsAfter", after.ioThreads())
        .put("commonPoolWorkersAfter", after.commonPoolWorkers())
        .put("fdsBefore", before.fds()).put("fdsAfter", after.fds())
        .put("fdsDelta", after.fds() - before.fds())
        .put("socketsBefore", before.sockets()).put("socketsAfter", after.sockets())
        .put("socketsDelta", after.sockets() - before.sockets())
        .put("heapBeforeBytes", before.heapUsed()).put("heapAfterBytes", after.heapUsed())
        .put("heapDeltaBytes", after.heapUsed() - before.heapUsed())
        .put("directBeforeBytes", before.directUsed()).put("directAfterBytes", after.directUsed())
        .put("nettyLeaks", leaks.size());
    boolean resourcesBack = after.backTo(before, HEAP_SLACK);
    boolean pass = violations.total() == 0 && leaks.isEmpty() && resourcesBack;
    summary.put("result", pass ? "PASS" : "FAIL");

    System.out.println(summary.line());
    Path json = summaryFile(config.mode());
    summary.writeJson(json);
    System.out.println("soak summary written to " + json.toAbsolutePath());

    assertThat(violations.total()).as("invariants broken: %s", violations).isZero();
    if (config.duration().compareTo(config.faultInterval().multipliedBy(10)) >= 0) {
      // Not a vacuous pass: links were broken, and clients came back.
      assertThat(summary.number("cuts")).as("cuts injected").isPositive();
      assertThat(summary.number("redials")).as("redials").isPositive();
      if (config.resumable()) {
        assertThat(summary.number("resumes")).as("sessions resumed").isPositive();
        assertThat(summary.number("serverConnections")).as("server connections that carried"
            + " messages (one per client: its session, across every link)")
            .isEqualTo(config.clients());
      } else {
        assertThat(summary.number("serverConnections")).as("server connections that carried"
            + " messages (more than one per client: redialed connections carried them on)")
            .isGreaterThan(config.clients());
      }
    }
    assertThat(leaks).as("Netty leak reports").isEmpty();
    assertThat(resourcesBack).as("threads, descriptors and heap back to where they started"
        + " (heap within %s)\nbefore: %s\nafter:  %s\nthreads not there before: %s",
        Resources.mib(HEAP_SLACK), before, after, newThreads(before, after)).isTrue();
  }

  /** The run itself: everything it creates is closed, and unreachable, when it returns. */
  private void run(SoakConfig config, Violations violations, SoakSummary summary)
      throws Exception {
    Tally tally = new Tally();
    SplittableRandom seeds = new SplittableRandom(config.seed());
    List<FaultProxy> proxies = new ArrayList<>();
    List<SoakClient> clients = new ArrayList<>();
    SoakServer server = new SoakServer(config.server(), config.clients(), violations);
    Chaos chaos = null;
    try {
      for (int p = 0; p < config.proxies(); p++) {
        FaultProxy proxy = FaultProxy.to(new InetSocketAddress("127.0.0.1", server.port()));
        proxy.recordAccepts(false); // it would keep every one of a long run's connections
        proxies.add(proxy);
      }
      for (int i = 0; i < config.clients(); i++) {
        clients.add(SoakClient.dial(i, proxies.get(i % proxies.size()).hostPort(),
            config.client(), config.readers(), config.rate(), seeds.nextLong(),
            violations, tally));
      }
      clients.forEach(SoakClient::start);
      chaos = new Chaos(proxies, config.faultInterval(), seeds.nextLong(), violations);
      Chaos faults = chaos;
      violations.context(c -> "; " + clients.get(c).recentEvents() + "; "
          + faults.recent(c % proxies.size()));
      chaos.start();

      long loadStart = System.nanoTime();
      long loadEnd = loadStart + config.duration().toNanos();
      // Heap after GC while the load runs, for the summary. It moves with what is queued at the
      // moment (a fragmented link backs up its clients' queues) and holds this test's own
      // records too (about 5 MiB per 10 minutes).
      List<Double> heapMib = new ArrayList<>();
      for (long left; (left = loadEnd - System.nanoTime()) > 0; ) {
        Threads.letPass(Duration.ofNanos(Math.min(left, PROGRESS_EVERY.toNanos())));
        Resources now = Resources.take();
        heapMib.add(Math.round(now.heapUsed() / 104857.6) / 10.0);
        System.out.printf("soak (%s): %s of %s, %,d messages written, %,d cuts, %,d redials,"
            + " %,d resumes, %d violations; heap after GC %s, %d threads%n", config.mode(),
            SoakConfig.human(Duration.ofNanos(System.nanoTime() - loadStart)),
            SoakConfig.human(config.duration()), tally.oneWay.sum() + tally.asyncRequests.sum()
                + tally.syncRequests.sum(), chaos.cuts(), tally.redialed.sum(),
            tally.resumed.sum(), violations.total(), Resources.mib(now.heapUsed()),
            now.threads() + now.commonPoolWorkers());
      }
      Duration faultTime = Duration.ofNanos(System.nanoTime() - loadStart);

      // Settle: faults stop, writers stop, one last request each, every reader catches up.
      chaos.stop(violations);
      clients.forEach(SoakClient::stop);
      awaitAll(clients, SoakClient::writerDone, "writers ended", Duration.ofSeconds(60),
          violations);
      clients.forEach(SoakClient::finish);
      try {
        await("every client settled").atMost(Duration.ofMinutes(2))
            .pollInterval(Duration.ofMillis(200))
            .until(() -> clients.stream().allMatch(SoakClient::settled));
      } catch (ConditionTimeoutException e) {
        violations.add(Kind.HANG, "not settled within 2 min of the faults stopping: "
            + clients.stream().filter(c -> !c.settled()).limit(5).map(SoakClient::unsettled)
                .collect(Collectors.joining("; ")));
      }
      List<ConnStats> stats = clients.stream().map(SoakClient::stats)
          .collect(Collectors.toList());
      // Settled, all connections still open, nothing queued: what they hold for good, plus
      // this test's records. Compared between short and long runs, it shows growth with time.
      long heapSettled = Resources.take().heapUsed();
      server.clientsClosing();
      clients.forEach(SoakClient::close);
      awaitAll(clients, SoakClient::readerDone, "blocking readers ended after close",
          Duration.ofSeconds(30), violations);
      // Each server connection ends when its client closes (a resumable client says BYE, so its
      // session ends then too); then what it received is recorded.
      try {
        await("every server connection ended").atMost(Duration.ofSeconds(60))
            .pollInterval(Duration.ofMillis(100)).until(() -> server.live() == 0);
      } catch (ConditionTimeoutException e) {
        violations.add(Kind.HANG, server.live() + " server connections still open 60 s after"
            + " their clients closed");
      }
      server.close();

      SoakChecks checks = new SoakChecks(violations, config.resumable());
      for (int i = 0; i < clients.size(); i++) {
        checks.check(clients.get(i), stats.get(i), server.ranges(i));
      }
      if (config.resumable() && server.accepted() != config.clients()) {
        violations.add(Kind.SESSION_ACCEPTED_AGAIN, server.accepted() + " server connections"
            + " accepted for " + config.clients() + " clients; those that carried no message: "
            + server.empty());
      }
      long oneWayLost = checks.lostInCuts - checks.timeoutsRequestLost;
      summary.put("result", "?").put("mode", config.mode().toString())
          .put("clients", config.clients()).put("readersPerClient", config.readers())
          .put("proxies", config.proxies()).put("transport", config.transport().toString())
          .put("ratePerClient", config.rate())
          .put("faultIntervalPerProxy", SoakConfig.human(config.faultInterval()))
          .put("faultTime", SoakConfig.human(faultTime)).put("seed", config.seed())
          .put("messagesWritten", checks.written).put("oneWay", tally.oneWay.sum())
          .put("requests", tally.asyncRequests.sum() + tally.syncRequests.sum() + clients.size())
          .put("requestsAsync", tally.asyncRequests.sum())
          .put("requestsBlocking", tally.syncRequests.sum())
          .put("requestsFinal", clients.size())
          .put("receivedByServer", checks.receivedByServer)
          .put("lostInCutWindowsClientToServer", checks.lostInCuts)
          .put("oneWayLostClientToServer", oneWayLost)
          .put("reconnectionsWithLoss", checks.cutsWithLoss)
          .put("mostLostInOneCut", checks.mostLostInOneCut)
          .put("serverConnections", checks.serverConnections)
          .put("serverConnectionsAccepted", server.accepted())
          .put("serverConnectionsHandedOutOfOrder", checks.acceptOrderInversions)
          .put("echoesWrittenByServer", server.echoed())
          .put("echoesRefusedByBrokenServerConnection", server.echoesRefused())
          .put("echoesReceived", checks.echoesDelivered)
          .put("readerDeliveries", checks.deliveries)
          .put("lostWithBrokenServerConnections", checks.echoesMissing)
          .put("echoesDiscardedByBrokenServerConnections", server.echoesDiscarded())
          .put("replies", tally.replies.sum()).put("timeouts", tally.timeouts.sum())
          .put("timeoutsLateReply", checks.timeoutsLate)
          .put("timeoutsRequestLostInCut", checks.timeoutsRequestLost)
          .put("timeoutsReplyLostInCut", checks.timeoutsReplyLost)
          .put("requestsFailedOtherwise", violations.count(Kind.REQUEST_FAILED))
          .put("cuts", chaos.cuts()).put("cutsReset", chaos.resets.sum())
          .put("cutsFin", chaos.fins.sum()).put("outages", chaos.outages.sum())
          .put("linksCut", chaos.linksCut.sum())
          .put("delayPhases", chaos.delays.sum()).put("fragmentPhases", chaos.fragments.sum())
          .put("redials", checks.redials).put("redialedEvents", checks.redialedEvents)
          .put("resumeTimeout", config.resumable() ? SoakConfig.human(config.resumeTimeout())
              : "-")
          .put("resumes", checks.resumes).put("resumedEventsClients", checks.resumedEvents)
          .put("resumedEventsServer", server.resumed())
          .put("serverLinksLost", server.linksLost())
          .put("sessionsLost", checks.sessionsLost)
          .put("messagesResent", checks.messagesResent)
          .put("disconnects", tally.disconnects.sum())
          .put("disconnectCauses", tally.disconnectCauses())
          .put("messagesInClients", checks.messagesIn)
          .put("messagesOutClients", checks.messagesOut)
          .put("heapDuringRunMiB", heapMib.toString())
          .put("heapSettledBytes", heapSettled);
    } finally {
      if (chaos != null) {
        chaos.stop(violations);
      }
      for (SoakClient c : clients) {
        c.conn.close();
      }
      for (FaultProxy p : proxies) {
        p.close();
      }
      server.close();
    }
  }

  /** Where a run's summary goes: {@code ftcp.soak.summary}, with the mode in the name. */
  private static Path summaryFile(Mode mode) {
    String plain = System.getProperty("ftcp.soak.summary", "target/soak-summary.json");
    return Path.of(mode == Mode.PLAIN ? plain : plain.replaceFirst("(\\.json)?$", "-" + mode
        + "$1"));
  }

  /** Waits (bounded) until {@code done} holds for every client; a violation names those late. */
  private static void awaitAll(List<SoakClient> clients, Predicate<SoakClient> done,
      String what, Duration within, Violations violations) {
    try {
      await(what).atMost(within).pollInterval(Duration.ofMillis(100))
          .until(() -> clients.stream().allMatch(done));
    } catch (ConditionTimeoutException e) {
      violations.add(Kind.HANG, "not " + what + " within " + SoakConfig.human(within) + ": "
          + clients.stream().filter(done.negate()).limit(5).map(SoakClient::unsettled)
              .collect(Collectors.joining("; ")));
    }
  }

  /**
   * Everything the run starts lazily and keeps for the life of the JVM (classes, Netty's shared
   * threads, the common pool): started before the "before" snapshot, so that the comparison
   * after the run sees only what the run leaked.
   */
  private static void warmUp(SoakConfig config) throws Exception {
    try (Listener l = Ftcp.listen("127.0.0.1:0", config.server().build());
         FaultProxy proxy = FaultProxy.to(l.address());
         Conn client = Ftcp.dial(proxy.hostPort(), config.client().build());
         Conn server = l.accept(Duration.ofSeconds(10));
         Reader in = server.reader();
         Reader out = client.reader()) {
      client.requestAsync(Message.of("warm-up"), Duration.ofSeconds(10));
      Message m = in.read(Duration.ofSeconds(10));
      server.write(m.reply(m.data()));
      out.readAsync().get(10, TimeUnit.SECONDS);
      proxy.cutAll(FaultProxy.Cut.RESET);
      client.write(Message.of("after a cut"));
      await().atMost(Duration.ofSeconds(10)).until(() -> client.stats().redials() == 1);
    }
  }

  /**
   * Waits (bounded) for threads, descriptors and heap to come back: threads end and sockets
   * close a little after close() returns. Returns the last snapshot, back or not.
   */
  private static Resources awaitResources(Resources before) {
    AtomicReference<Resources> now = new AtomicReference<>();
    try {
      // In this thread: Awaitility's own polling thread would be counted.
      await().atMost(Duration.ofSeconds(60)).pollInSameThread().pollDelay(Duration.ZERO)
          .pollInterval(Duration.ofMillis(500))
          .until(() -> {
            now.set(Resources.take());
            return now.get().backTo(before, HEAP_SLACK);
          });
    } catch (ConditionTimeoutException e) {
      // not back: the caller reports the last snapshot
    }
    return now.get();
  }

  /** Thread names of {@code after} not in {@code before}, for a failure message. */
  static Map<String, Integer> newThreads(Resources before, Resources after) {
    return after.threadNames().entrySet().stream()
        .filter(e -> e.getValue() > before.threadNames().getOrDefault(e.getKey(), 0))
        .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
  }
}
