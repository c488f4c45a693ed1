package dev.ftcp.internal.conn;

import dev.ftcp.ConnectionClosedException;
import dev.ftcp.internal.IoGroup;
import dev.ftcp.internal.conn.read.ReadHost;
import dev.ftcp.internal.conn.write.WriteHost;
import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

/**
 * The connection as its write and read paths see it: its state, its current channel, its event
 * loop and callback executor, and its deadlines. Holds no state of its own; thread-safe as the
 * connection's fields it reads are.
 */
final class ConnView implements WriteHost, ReadHost {
  private final RealConn conn;
  private final EventLoop loop;
  private final Executor callbacks;

  ConnView(RealConn conn, EventLoop loop, Executor callbacks) {
    this.conn = conn;
    this.loop = loop;
    this.callbacks = callbacks;
  }

  @Override
  public boolean acceptsWrites() {
    return conn.isOpen();
  }

  @Override
  public boolean ended() {
    return conn.ended();
  }

  @Override
  public ConnectionClosedException closedException() {
    return conn.closedException();
  }

  @Override
  public Channel channel() {
    return conn.channel();
  }

  @Override
  public boolean outputShut() {
    return conn.outputShut();
  }

  @Override
  public void afterWrite() {
    conn.afterWrite();
  }

  @Override
  public long writeDeadline() {
    return conn.deadlines().write();
  }

  @Override
  public long readDeadline() {
    return conn.deadlines().read();
  }

  @Override
  public boolean inLoop() {
    return loop.inEventLoop();
  }

  @Override
  public boolean runOnLoop(Runnable task) {
    try {
      loop.execute(task);
      return true;
    } catch (RejectedExecutionException e) {
      return false;
    }
  }

  @Override
  public boolean runOnLoopAndWait(Runnable task) {
    try {
      IoGroup.awaitUninterruptibly(loop.submit(task));
      return true;
    } catch (RejectedExecutionException e) {
      return false;
    }
  }

  @Override
  public void readingResumed(Channel ch) {
    Pipelines.readingResumed(ch);
  }

  @Override
  public Executor callbacks() {
    return callbacks;
  }
}
