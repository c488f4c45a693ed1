package dev.ftcp.internal.conn.read;

import dev.ftcp.internal.VarHandles;
import io.netty.channel.Channel;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * Read flow control: socket reads pause (auto-read off) when a reader's buffer or the backlog
 * holds {@code readerBufferDepth} messages, and resume once none is full; a reader that takes
 * a message asks for that check when its own buffer is down to half, at the latest. This
 * is what bounds the readers' buffers: a slow reader slows the peer through TCP instead of
 * filling memory, and nothing that arrives is dropped.
 *
 * <p>Threads: {@link #taken} from any reader thread (one volatile read when reads are not
 * paused); the rest on the event loop. Cost: nothing per message while reads flow.
 */
final class ReadFlow {
  private static final VarHandle RESUME_SCHEDULED =
      VarHandles.field(MethodHandles.lookup(), "resumeScheduled", boolean.class);

  private final ReadHost host;
  private final Readers readers;
  private final int depth;
  private volatile boolean resumeScheduled;
  private volatile boolean paused;

  ReadFlow(ReadHost host, Readers readers, int depth) {
    this.host = host;
    this.readers = readers;
    this.depth = depth;
  }

  /** Whether socket reads are paused because a buffer is full. */
  boolean isPaused() {
    return paused;
  }

  /** Event loop: a buffer reached the depth; stop reading the socket. */
  void pause() {
    if (!paused) {
      paused = true;
      Channel ch = host.channel();
      if (ch != null) {
        ch.config().setAutoRead(false);
      }
    }
  }

  /** Event loop: a new channel reads only if reading is not paused. */
  void applyTo(Channel ch) {
    if (paused) {
      ch.config().setAutoRead(false);
    }
  }

  /** Any thread: a reader took a message; resumes socket reads once it is half empty. */
  void taken(RealReader r) {
    if (paused && !resumeScheduled && r.size() <= depth / 2
        && RESUME_SCHEDULED.compareAndSet(this, false, true)) {
      if (!host.runOnLoop(this::resumeCheck)) { // rare (reads paused): no field for the task
        resumeScheduled = false;
      }
    }
  }

  /** Event loop: resumes socket reads if no buffer is full any more. */
  void resumeCheck() {
    resumeScheduled = false;
    if (!paused || readers.anyFull(depth)) {
      return;
    }
    paused = false;
    Channel ch = host.channel();
    if (ch != null) {
      ch.config().setAutoRead(true);
      host.readingResumed(ch);
    }
  }
}
