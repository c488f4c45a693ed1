package dev.ftcp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ftcp.internal.codec.FrameCodec;
import dev.ftcp.testing.NettyLeakCheck;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A long read batch is answered in pieces: with callbacks on the I/O thread, what the callbacks
 * of the first messages write goes to the socket while the rest of the batch is still being
 * handled, not only at the batch's end. A raw socket sends the burst in one write, so it
 * arrives as one batch; each callback notes how many messages its connection had sent by then.
 */
@Timeout(30)
class LongReadBatchTest {
  @RegisterExtension static final NettyLeakCheck LEAKS = new NettyLeakCheck();

  private static final int BURST = 400;
  /** How far behind the callbacks the socket may be: two hand-overs of 64 messages. */
  private static final int LAG = 128;

  private static final Options DIRECT = Options.builder().callbackExecutor(Runnable::run).build();

  @RepeatedTest(3)
  @SuppressWarnings("try") // the raw socket is closed early on purpose; see the finally block
  void asyncReadsOfABurstAreAnsweredBeforeTheBurstIsRead() throws Exception {
    try (Listener l = Ftcp.listen("127.0.0.1:0", DIRECT);
        Socket raw = new Socket(InetAddress.getLoopbackAddress(), l.address().getPort())) {
      Conn server = l.accept(Duration.ofSeconds(10));
      List<Long> sentBefore = new CopyOnWriteArrayList<>();
      try (Reader r = server.reader()) {
        echo(server, r, sentBefore);
        List<Long> ids = new ArrayList<>();
        for (int i = 1; i <= BURST; i++) {
          ids.add((long) i);
        }
        writeFrames(raw.getOutputStream(), ids, false);
        DataInputStream in = new DataInputStream(raw.getInputStream());
        for (int i = 1; i <= BURST; i++) {
          assertThat(readFrame(in).repId()).as("RepID of reply %d", i).isEqualTo(i);
        }
        assertThat(sentBefore).hasSize(BURST);
        assertSocketKeptUp(sentBefore, 0);
      } finally {
        raw.close(); // first, so that the server's close need not wait for it
        server.close();
      }
    }
  }

  @RepeatedTest(3)
  void asyncRequestsAnsweredInABurstCompleteBeforeTheBurstIsRead() throws Exception {
    try (ServerSocket ss = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        Conn client = Ftcp.dial("127.0.0.1:" + ss.getLocalPort(), DIRECT);
        Socket raw = ss.accept()) {
      List<Long> sentBefore = new CopyOnWriteArrayList<>();
      List<CompletableFuture<Message>> replies = new ArrayList<>();
      for (int i = 0; i < BURST; i++) {
        replies.add(client.requestAsync(Message.of("q"), Duration.ofSeconds(20))
            .whenComplete((m, e) -> {
              if (e == null) {
                sentBefore.add(client.stats().messagesOut());
                writeQuietly(client, Message.of("ack"));
              }
            }));
      }
      DataInputStream in = new DataInputStream(raw.getInputStream());
      List<Long> ids = new ArrayList<>();
      for (int i = 0; i < BURST; i++) {
        ids.add(readFrame(in).id());
      }
      writeFrames(raw.getOutputStream(), ids, true);
      for (CompletableFuture<Message> f : replies) {
        assertThat(f.get().text()).isEqualTo("answer");
      }
      for (int i = 0; i < BURST; i++) {
        assertThat(new String(readFrame(in).payload())).isEqualTo("ack");
      }
      assertThat(sentBefore).hasSize(BURST);
      assertSocketKeptUp(sentBefore, BURST);
    }
  }

  /**
   * The i-th callback of the burst ran when its connection had sent at least i - LAG of the
   * messages the callbacks before it wrote (on top of {@code before}, sent earlier): all of
   * them at the batch's end would leave it at {@code before} for the whole burst.
   */
  private static void assertSocketKeptUp(List<Long> sentBefore, long before) {
    for (int i = 0; i < sentBefore.size(); i++) {
      assertThat(sentBefore.get(i) - before)
          .as("messages sent when callback %d ran (%s)", i, sentBefore)
          .isGreaterThanOrEqualTo(i - LAG);
    }
  }

  private static void echo(Conn server, Reader r, List<Long> sentBefore) {
    r.readAsync().whenComplete((m, e) -> {
      if (e == null) {
        sentBefore.add(server.stats().messagesOut());
        writeQuietly(server, m.reply(m.data()));
        echo(server, r, sentBefore);
      }
    });
  }

  private static void writeQuietly(Conn c, Message m) {
    try {
      c.write(m);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** One frame per ID, all in one write; {@code asReplies}: RepID = the ID, payload "answer". */
  private static void writeFrames(OutputStream out, List<Long> ids, boolean asReplies)
      throws IOException {
    ByteBuf buf = Unpooled.buffer();
    try {
      long next = 1;
      for (long id : ids) {
        if (asReplies) {
          FrameCodec.encode(buf, next++, id, "answer".getBytes(), 2);
        } else {
          FrameCodec.encode(buf, id, 0, ("m" + id).getBytes(), 2);
        }
      }
      byte[] bytes = new byte[buf.readableBytes()];
      buf.readBytes(bytes);
      out.write(bytes);
      out.flush();
    } finally {
      buf.release();
    }
  }

  private record Frame(long id, long repId, byte[] payload) {}

  /** Reads one frame of the 2-byte-prefix format. */
  private static Frame readFrame(DataInputStream in) throws IOException {
    int n = Short.toUnsignedInt(Short.reverseBytes(in.readShort()));
    long id = FrameCodec.readVarintSlot(Long.reverseBytes(in.readLong()), "ID");
    long repId = FrameCodec.readVarintSlot(Long.reverseBytes(in.readLong()), "RepID");
    return new Frame(id, repId, in.readNBytes(n - FrameCodec.SLOTS_LENGTH));
  }
}
