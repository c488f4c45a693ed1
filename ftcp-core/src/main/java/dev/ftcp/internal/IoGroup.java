package dev.ftcp.internal;

import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.HashedWheelTimer;
import io.netty.util.Timeout;
import io.netty.util.TimerTask;
import io.netty.util.concurrent.FastThreadLocalThread;
import io.netty.util.concurrent.Future;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinWorkerThread;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The event-loop group every connection and listener shares: epoll where its native library
 * loads, NIO otherwise, and the timer of asynchronous requests' timeouts. Reference counted:
 * created by the first {@link #acquire()}, shut down when the last holder
 * {@link #release() releases} it, so no ftcp thread outlives the last open connection or
 * listener.
 *
 * <p>Timeouts of asynchronous requests run on one {@link HashedWheelTimer} (thread
 * {@code ftcp-timer-N}, started on first use) rather than as event-loop scheduled tasks. Each
 * connection keeps at most one wheel timeout at a time, a sweep armed for the earliest deadline
 * of its requests in flight (see {@code Requests.armSweep}). One wheel timeout per request, added
 * and cancelled, held 256 requests in flight on one connection to 705 k/s; one sweep per
 * connection, 780 k/s (the load harness, old and new alternated). The wheel ticks
 * every {@value #TIMER_TICK_MS} ms, so a timeout fires up to that much late; a request's timeout
 * is a bound on waiting, not a precise clock.
 *
 * <p>Thread-safe.
 */
public final class IoGroup {
  private static final Logger log = LoggerFactory.getLogger(IoGroup.class);
  private static final boolean EPOLL = Epoll.isAvailable();
  private static final int THREADS =
      Integer.getInteger(Defaults.IO_THREADS_PROPERTY, Defaults.ioThreads());
  private static final AtomicInteger GROUP_IDS = new AtomicInteger();

  private static final Object LOCK = new Object();
  static final int TIMER_TICK_MS = 10;

  private static MultiThreadIoEventLoopGroup group;
  private static int holders;
  private static volatile HashedWheelTimer timer; // written under LOCK
  private static volatile ForkJoinPool callbacks; // written under LOCK

  /** Callback threads of the default callback executor: see {@link Defaults#callbackThreads}. */
  static final int CALLBACK_THREADS =
      Integer.getInteger(Defaults.CALLBACK_THREADS_PROPERTY, Defaults.callbackThreads());

  /**
   * The default callback executor: a pool of {@link #CALLBACK_THREADS} daemon threads named
   * {@code ftcp-callback-N-M}, started with the group and shut down with it (queued callbacks
   * still run). A callback submitted when no group runs (a completion that raced the last
   * close) runs on the common pool instead.
   */
  public static final Executor DEFAULT_CALLBACKS = IoGroup::runCallback;

  private IoGroup() {}

  /** Takes a reference to the shared group, creating it if none is running. */
  public static MultiThreadIoEventLoopGroup acquire() {
    synchronized (LOCK) {
      if (group == null) {
        IoHandlerFactory factory = EPOLL ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
        group = new MultiThreadIoEventLoopGroup(THREADS, threadFactory(), factory);
        log.debug("started {} ftcp I/O threads ({})", THREADS, EPOLL ? "epoll" : "nio");
      }
      holders++;
      return group;
    }
  }

  /** Gives back a reference taken by {@link #acquire()}; the last one shuts the group down. */
  public static void release() {
    MultiThreadIoEventLoopGroup done;
    HashedWheelTimer doneTimer;
    ForkJoinPool doneCallbacks;
    synchronized (LOCK) {
      if (holders <= 0) {
        throw new IllegalStateException("IoGroup released more often than acquired");
      }
      if (--holders > 0) {
        return;
      }
      done = group;
      group = null;
      doneTimer = timer;
      timer = null;
      doneCallbacks = callbacks;
      callbacks = null;
    }
    if (doneCallbacks != null) {
      doneCallbacks.shutdown();
    }
    // No quiet period: every holder is closed, nothing more will be submitted.
    done.shutdownGracefully(0, 5, TimeUnit.SECONDS);
    if (doneTimer != null) {
      // stop() joins the timer's thread; the last release may run on an event loop, so stop it
      // once the group has terminated, off the caller's thread. Its pending timeouts belong to
      // requests the closing connections have already failed.
      done.terminationFuture().addListener(f -> doneTimer.stop());
    }
  }

  private static void runCallback(Runnable task) {
    ForkJoinPool p = callbacks;
    if (p == null) {
      synchronized (LOCK) {
        if (holders > 0 && callbacks == null) {
          callbacks = new ForkJoinPool(CALLBACK_THREADS, callbackThreadFactory(), null, true);
        }
        p = callbacks;
      }
    }
    if (p != null) {
      try {
        p.execute(task);
        return;
      } catch (RejectedExecutionException e) {
        // shut down meanwhile: the last connection closed
      }
    }
    ForkJoinPool.commonPool().execute(task);
  }

  /**
   * Runs {@code task} on the timer thread after {@code nanos}, or returns {@code null} when no
   * reference to the group is held any more (every connection has ended, so the caller's has
   * too). The caller must hold a reference for the answer to be a timeout.
   */
  public static Timeout schedule(TimerTask task, long nanos) {
    HashedWheelTimer t = timer;
    if (t == null) {
      synchronized (LOCK) {
        if (holders == 0) {
          return null;
        }
        t = timer;
        if (t == null) {
          t = new HashedWheelTimer(timerThreadFactory(), TIMER_TICK_MS, TimeUnit.MILLISECONDS);
          timer = t;
        }
      }
    }
    try {
      return t.newTimeout(task, nanos, TimeUnit.NANOSECONDS);
    } catch (IllegalStateException e) {
      return null; // stopped meanwhile: the last reference was released
    }
  }

  /** An event loop of the shared group for one new connection; the caller holds a reference. */
  public static EventLoop next(MultiThreadIoEventLoopGroup held) {
    return (EventLoop) held.next();
  }

  public static Class<? extends Channel> socketChannel() {
    return EPOLL ? EpollSocketChannel.class : NioSocketChannel.class;
  }

  public static Class<? extends ServerChannel> serverChannel() {
    return EPOLL ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
  }

  /** Which transport runs: "epoll" or "nio". */
  public static String transport() {
    return EPOLL ? "epoll" : "nio";
  }

  /** True on one of ftcp's I/O threads. */
  public static boolean onIoThread() {
    return Thread.currentThread() instanceof IoThread;
  }

  /**
   * Waits for a Netty future without Netty's own wait, which is {@code Object.wait} inside a
   * {@code synchronized} block: on JDK 21 to 23 that pins a virtual thread to its carrier. Here
   * the caller parks on a {@link CompletableFuture} instead, and a virtual thread unmounts.
   * Uninterruptible, as {@code awaitUninterruptibly}: an interrupt is kept, not thrown. On an
   * event loop it defers to Netty's wait, which refuses to deadlock its own loop.
   */
  public static void awaitUninterruptibly(Future<?> f) {
    if (f.isDone()) {
      return;
    }
    if (onIoThread()) {
      f.awaitUninterruptibly();
      return;
    }
    CompletableFuture<Void> done = new CompletableFuture<>();
    f.addListener(x -> done.complete(null));
    done.join();
  }

  /**
   * Throws when called on an ftcp I/O thread, where a blocking call would deadlock the event
   * loop it is waiting for.
   */
  public static void checkMayBlock(String call) {
    if (onIoThread()) {
      throw new IllegalStateException(call + " blocks and was called on the ftcp I/O thread "
          + Thread.currentThread().getName() + ", which it would deadlock; call it from an "
          + "application thread");
    }
  }

  private static ThreadFactory threadFactory() {
    int groupId = GROUP_IDS.incrementAndGet();
    AtomicInteger ids = new AtomicInteger();
    return r -> {
      Thread t = new IoThread(r, "ftcp-io-" + groupId + "-" + ids.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }

  private static ForkJoinPool.ForkJoinWorkerThreadFactory callbackThreadFactory() {
    int groupId = GROUP_IDS.get();
    AtomicInteger ids = new AtomicInteger();
    return pool -> {
      ForkJoinWorkerThread t = ForkJoinPool.defaultForkJoinWorkerThreadFactory.newThread(pool);
      t.setName("ftcp-callback-" + groupId + "-" + ids.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }

  private static ThreadFactory timerThreadFactory() {
    int groupId = GROUP_IDS.get();
    return r -> {
      Thread t = new Thread(r, "ftcp-timer-" + groupId);
      t.setDaemon(true);
      return t;
    };
  }

  /** Marks ftcp's own I/O threads. */
  static final class IoThread extends FastThreadLocalThread {
    IoThread(Runnable r, String name) {
      super(r, name);
    }
  }
}
