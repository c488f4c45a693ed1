package dev.ftcp.testing;

import io.netty.buffer.ByteBufAllocator;
import io.netty.util.ResourceLeakDetector;
import io.netty.util.ResourceLeakDetectorFactory;
import io.netty.util.ResourceLeakTracker;
import java.lang.ref.ReferenceQueue;
import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Fails a test when Netty reports a leaked buffer (or any other reference-counted object it
 * tracks) while the test runs.
 *
 * <p>In a JUnit 5 class:
 *
 * <pre>
 *   {@literal @}RegisterExtension static final NettyLeakCheck LEAKS = new NettyLeakCheck();
 * </pre>
 *
 * <p>not {@code @ExtendWith(NettyLeakCheck.class)}: tests run in the {@code dev.ftcp} module, and
 * Surefire opens to JUnit only the packages of the test classes it was asked to run, so JUnit
 * could not construct this class when {@code dev.ftcp.testing} is not among them. For the same
 * reason a jqwik class calls the check from its own methods:
 *
 * <pre>
 *   {@literal @}BeforeProperty
 *   void setAsideEarlierLeaks() {
 *     NettyLeakCheck.setAsideEarlierLeaks();
 *   }
 *
 *   {@literal @}AfterProperty
 *   void assertNoLeaks() {
 *     NettyLeakCheck.assertNoLeaks();
 *   }
 * </pre>
 *
 * <p>Before each test the check collects and sets aside what earlier code leaked; after it, it
 * runs the garbage collector until weak references have been processed, makes every leak
 * detector look at its queue, and fails the test with Netty's leak records if there are any.
 * Run with {@code -Dio.netty.leakDetection.level=PARANOID} (the build does), or Netty only
 * samples.
 *
 * <p>How it hears of leaks: loading this class installs a {@link ResourceLeakDetectorFactory}
 * whose detectors record each report. Netty asks the factory once per tracked type, when that
 * type's class initializes, so the check sees buffers only if this class was loaded before
 * Netty's first buffer in the JVM. When a test class without the check ran first, the check
 * fails the test, saying so, instead of passing without looking. Two ways out: register the
 * check on every test class that touches Netty, or load the recorder before anything else with
 * {@code -Dio.netty.customResourceLeakDetector=dev.ftcp.testing.NettyLeakCheck$Recorder
 * --add-exports dev.ftcp/dev.ftcp.testing=io.netty.common} in the test JVM's arguments.
 *
 * <p>Netty logs every leak report at ERROR with its records. A test that leaks on purpose, to
 * check the check, marks the buffer with {@link #expectLeak()}: the report of that buffer is
 * still recorded, so the test finds and asserts it, but not logged, so a passing build prints
 * no leak report. Every other report is logged as Netty does.
 *
 * <p>Netty reports a given leak record once per JVM: a leak with exactly the same trace as one
 * already reported is not reported again. Thread-safe; meant for tests run one at a time.
 */
public final class NettyLeakCheck implements BeforeEachCallback, AfterEachCallback {
  private static final boolean WATCHING_BUFFERS;

  static {
    ResourceLeakDetectorFactory.setResourceLeakDetectorFactory(new RecordingFactory());
    // AbstractByteBuf asks for its detector in its static initializer: make that happen now.
    ByteBufAllocator.DEFAULT.buffer(1).release();
    WATCHING_BUFFERS = Recorder.DETECTORS.stream().anyMatch(d -> d.resourceType.equals("ByteBuf"));
  }

  /**
   * Collects the leaks Netty has found so far and forgets them: forces garbage collection until
   * weak references are processed, then has each detector report what it found.
   */
  public static List<String> collectLeaks() {
    collectGarbage();
    // The Reference Handler enqueues one collection's references as a batch, in any order: the
    // canary of the next collection arrives only after the whole of the first batch.
    collectGarbage();
    for (Recorder<?> detector : Recorder.DETECTORS) {
      detector.pollQueue();
    }
    List<String> leaks = new ArrayList<>();
    for (String leak; (leak = Recorder.REPORTS.poll()) != null; ) {
      leaks.add(leak);
    }
    return leaks;
  }

  /**
   * Throws {@link AssertionError} with Netty's records when anything leaked since the last
   * check, or when this check cannot see buffer leaks (see the class comment).
   */
  public static void assertNoLeaks() {
    requireWatchingBuffers();
    List<String> leaks = collectLeaks();
    if (!leaks.isEmpty()) {
      throw new AssertionError(
          leaks.size() + " Netty leak report(s):\n" + String.join("\n", leaks));
    }
  }

  /**
   * A new hint to {@code touch} a buffer with that a test leaks on purpose: its leak report is
   * recorded for the test to assert but not logged.
   */
  public static String expectLeak() {
    String hint = "deliberate leak " + UUID.randomUUID();
    Recorder.EXPECTED.add(hint);
    return hint;
  }

  /** Whether buffer leaks reach this check; see the class comment. */
  public static boolean watchingBuffers() {
    return WATCHING_BUFFERS;
  }

  /**
   * Collects what leaked before a test and prints it rather than blame the test for it; throws
   * {@link AssertionError} when this check cannot see buffer leaks (see the class comment).
   */
  public static void setAsideEarlierLeaks() {
    requireWatchingBuffers();
    List<String> earlier = collectLeaks();
    if (!earlier.isEmpty()) {
      System.err.println("NettyLeakCheck: " + earlier.size() + " leak(s) from before this test:\n"
          + String.join("\n", earlier));
    }
  }

  @Override
  public void beforeEach(ExtensionContext context) {
    setAsideEarlierLeaks();
  }

  @Override
  public void afterEach(ExtensionContext context) {
    assertNoLeaks();
  }

  private static void requireWatchingBuffers() {
    if (!WATCHING_BUFFERS) {
      throw new AssertionError("NettyLeakCheck cannot see buffer leaks: Netty created its buffer"
          + " leak detector before this check was loaded (a test class without the check ran"
          + " first). Register the check on that class too, or see NettyLeakCheck's Javadoc.");
    }
  }

  /** Runs full collections until a collection has had its weak references enqueued. */
  private static void collectGarbage() {
    ReferenceQueue<Object> queue = new ReferenceQueue<>();
    WeakReference<Object> canary = new WeakReference<>(new Object(), queue);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    try {
      do {
        System.gc();
        if (queue.remove(100) != null) {
          return;
        }
      } while (System.nanoTime() < deadline);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted while waiting for garbage collection", e);
    }
    throw new AssertionError("System.gc() collected nothing for 10 s, so leaks cannot be seen"
        + " (is -XX:+DisableExplicitGC set?); canary " + canary.get());
  }

  private static final class RecordingFactory extends ResourceLeakDetectorFactory {
    @Override
    public <T> ResourceLeakDetector<T> newResourceLeakDetector(
        Class<T> resource, int samplingInterval) {
      return new Recorder<>(resource, samplingInterval);
    }

    /** Abstract in Netty, though deprecated; Netty itself calls the method above. */
    @Override
    @SuppressWarnings("deprecation")
    public <T> ResourceLeakDetector<T> newResourceLeakDetector(
        Class<T> resource, int samplingInterval, long maxActive) {
      return newResourceLeakDetector(resource, samplingInterval);
    }
  }

  /**
   * A leak detector that also records its reports. Public, with the constructor Netty looks
   * for, so that {@code -Dio.netty.customResourceLeakDetector} can name it.
   */
  public static final class Recorder<T> extends ResourceLeakDetector<T> {
    static final Set<Recorder<?>> DETECTORS = ConcurrentHashMap.newKeySet();
    static final Queue<String> REPORTS = new ConcurrentLinkedQueue<>();
    /** Hints of buffers leaked on purpose ({@link NettyLeakCheck#expectLeak()}). */
    static final Set<String> EXPECTED = ConcurrentHashMap.newKeySet();

    private final String resourceType;

    public Recorder(Class<?> resourceType, int samplingInterval) {
      super(resourceType, samplingInterval);
      this.resourceType = resourceType.getSimpleName();
      DETECTORS.add(this);
    }

    /** The constructor Netty tries first; without it, it logs an error before the other. */
    public Recorder(Class<?> resourceType, int samplingInterval, long maxActive) {
      this(resourceType, samplingInterval);
    }

    /** Netty reports only when its logger would print; this check wants every report. */
    @Override
    protected boolean needReport() {
      return true;
    }

    @Override
    protected void reportTracedLeak(String resourceType, String records) {
      REPORTS.add("LEAK: " + resourceType + " was not released before it was garbage-collected."
          + records);
      if (EXPECTED.stream().noneMatch(records::contains)) {
        super.reportTracedLeak(resourceType, records);
      }
    }

    @Override
    protected void reportUntracedLeak(String resourceType) {
      REPORTS.add("LEAK: " + resourceType + " was not released before it was garbage-collected"
          + " (no records: the leak detection level is below ADVANCED).");
      super.reportUntracedLeak(resourceType);
    }

    /**
     * Netty looks at a detector's queue of dead objects only when that detector tracks a new
     * object, so track one and release it at once.
     */
    @SuppressWarnings("unchecked")
    void pollQueue() {
      Object probe = new Object();
      ResourceLeakTracker<Object> tracker = ((ResourceLeakDetector<Object>) this).trackForcibly(
          probe);
      tracker.close(probe);
    }
  }
}
