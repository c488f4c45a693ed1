package dev.ftcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.code_intelligence.jazzer.api.BugDetectors;
import com.code_intelligence.jazzer.api.SilentCloseable;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.ftcp.testing.FuzzInput;
import dev.ftcp.testing.NettyLeakCheck;
import dev.ftcp.testing.Pair;
import dev.ftcp.testing.WireModel;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;

/**
 * Coverage-guided fuzzing of a whole server connection (docs/FUZZING.md): a raw socket sends
 * any byte stream, in any chunks, to a real listener on 127.0.0.1. The server connection must
 * deliver to its reader exactly the messages {@link WireModel} finds, then end: with a {@link
 * FrameFormatException} as the cause when the stream holds a malformed frame, with the peer's
 * end of stream otherwise, and close the socket either way. The listener keeps serving: every
 * input is a new connection to the same two listeners, and a well-formed ftcp client gets
 * through after each. Every wait is bounded; Netty's leak detector runs after the class and every
 * {@link #LEAK_CHECK_EVERY} inputs while fuzzing.
 *
 * <p>Input layout: {@link FuzzInput}. Settings byte: bit 0 big frames (4-byte prefix), bit 1
 * open the reader only once the stream is sent (its messages wait in the backlog, and the
 * connection may have failed already), bit 2 read with {@code readAsync}. Both listeners have
 * {@code maxFrameLength} {@value #MAX_FRAME_LENGTH}. Without {@code JAZZER_FUZZ} this replays
 * the inputs in {@code ServerConnFuzzITInputs/serverConnDeliversOrFailsCleanly}.
 */
class ServerConnFuzzIT {
  static final int MAX_FRAME_LENGTH = 4096;
  /** Settings bits: 4-byte prefixes; open the reader only after sending; read with readAsync. */
  static final int BIG_FRAMES = 1;
  static final int LATE_READER = 2;
  static final int READ_ASYNC = 4;
  static final int LEAK_CHECK_EVERY = 500;
  private static final Duration WAIT = Duration.ofSeconds(5);

  private static Listener plain;
  private static Listener big;
  private static long inputs;

  /**
   * Netty's leak detector runs once for the whole class rather than after each input, as the
   * NettyLeakCheck extension would: each check runs the garbage collector, about 0.5 s in a full
   * build. While fuzzing it also runs every {@link #LEAK_CHECK_EVERY} inputs.
   */
  @BeforeAll
  @Timeout(30)
  static void listen() throws IOException {
    NettyLeakCheck.setAsideEarlierLeaks();
    Options.Builder options = Options.builder().maxFrameLength(MAX_FRAME_LENGTH);
    plain = Ftcp.listen("127.0.0.1:0", options.build());
    big = Ftcp.listen("127.0.0.1:0", options.bigFrames(true).build());
  }

  @AfterAll
  @Timeout(30)
  static void closeAndCheckLeaks() {
    if (plain != null) {
      plain.close();
    }
    if (big != null) {
      big.close();
    }
    NettyLeakCheck.assertNoLeaks();
  }

  /** One input; while fuzzing, Jazzer makes this libFuzzer's time limit per input. */
  @Timeout(30)
  @FuzzTest(maxDuration = "5m")
  @SuppressWarnings("try") // the resource is the permission, held while the input runs
  void serverConnDeliversOrFailsCleanly(byte[] bytes) throws Exception {
    // While fuzzing, Jazzer's SSRF detector reports every connection a fuzz test opens unless
    // the test allows it; Jazzer wants that permission scoped by try-with-resources. Set once
    // in @BeforeAll instead, it does not cover the fuzzing run.
    try (SilentCloseable loopbackOnly = BugDetectors.allowNetworkConnections(
        (host, port) -> host.equals("127.0.0.1") || host.equals("localhost"))) {
      oneInput(bytes);
    }
  }

  private static void oneInput(byte[] bytes) throws Exception {
    FuzzInput input = FuzzInput.parse(bytes);
    boolean bigFrames = (input.settings() & BIG_FRAMES) != 0;
    boolean lateReader = (input.settings() & LATE_READER) != 0;
    boolean async = (input.settings() & READ_ASYNC) != 0;
    Listener listener = bigFrames ? big : plain;
    byte[] stream = input.stream();
    WireModel.Result expected = WireModel.decode(stream, bigFrames, MAX_FRAME_LENGTH);
    String context = input + (bigFrames ? ", big frames" : "")
        + (lateReader ? ", reader opened after sending" : "") + (async ? ", readAsync" : "")
        + "; expected " + expected;

    try (Socket peer = new Socket()) {
      peer.setTcpNoDelay(true);
      peer.connect(listener.address(), (int) WAIT.toMillis());
      peer.setSoTimeout((int) WAIT.toMillis());
      Conn server = accept(listener, peer.getLocalPort());
      Reader reader = lateReader ? null : server.reader();
      try {
        IOException sendFailure = send(peer, stream, input.chunkSizes());
        if (sendFailure != null) {
          assertThat(expected.flaw)
              .as("the server dropped the connection (%s) on a well-formed stream; %s",
                  sendFailure, context)
              .isNotNull();
        }
        if (lateReader) {
          // Messages that came before any reader, even before the connection failed, wait in
          // the backlog for the next reader (PROTOCOL.md §5 "Reading").
          reader = server.reader();
        }
        Reader open = reader;
        for (Message m : expected.messages) {
          assertThat(next(open, async)).as(context).isEqualTo(m);
        }
        Throwable end = catchThrowable(() -> next(open, async));
        assertThat(end).as("after the last message; %s", context)
            .isInstanceOf(ConnectionClosedException.class);
        if (expected.flaw != null) {
          assertThat(end.getCause()).as(context)
              .isInstanceOf(FrameFormatException.class)
              .hasMessageContaining(expected.flaw.mentions);
        } else {
          assertThat(end.getCause()).as("the peer's end of stream; %s", context)
              .isInstanceOf(IOException.class)
              .isNotInstanceOf(FtcpException.class);
        }
        assertThat(closedByServer(peer)).as("the server closed the socket; %s", context).isTrue();
      } finally {
        if (reader != null) {
          reader.close();
        }
        server.close();
      }
    }

    aWellFormedClientGetsThrough(listener);
    if (++inputs % LEAK_CHECK_EVERY == 0) {
      List<String> leaks = NettyLeakCheck.collectLeaks();
      assertThat(leaks).as("leaked within the last %d inputs (not necessarily this one)",
          LEAK_CHECK_EVERY).isEmpty();
    }
  }

  /** The next message, by {@code read(timeout)} or {@code readAsync()}; both wait at most WAIT. */
  private static Message next(Reader reader, boolean async) throws Exception {
    if (!async) {
      return reader.read(WAIT);
    }
    CompletableFuture<Message> f = reader.readAsync();
    try {
      return f.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      throw e.getCause() instanceof Exception ? (Exception) e.getCause() : e;
    } catch (TimeoutException e) {
      f.cancel(false);
      throw new AssertionError("readAsync did not complete in " + WAIT, e);
    }
  }

  /**
   * Writes the chunks, each as its own write on a socket without Nagle, then ends the stream;
   * the failure when the server closed first (only right after a malformed frame).
   */
  private static IOException send(Socket peer, byte[] stream, int[] chunkSizes) {
    try {
      OutputStream out = peer.getOutputStream();
      int offset = 0;
      for (int n : chunkSizes) {
        out.write(stream, offset, n);
        offset += n;
      }
      peer.shutdownOutput();
      return null;
    } catch (IOException e) {
      return e;
    }
  }

  /** The server's close reaches the peer: end of stream, or a reset when it left bytes unread. */
  private static boolean closedByServer(Socket peer) throws IOException {
    InputStream in = peer.getInputStream();
    try {
      return in.read() == -1;
    } catch (SocketException reset) {
      return true;
    }
  }

  /**
   * The client is closed first: closed by the server, a client connection would redial, and its
   * new connection would wait in the listener for the next input's accept.
   */
  private static void aWellFormedClientGetsThrough(Listener listener) throws IOException {
    Options options = listener == big
        ? Options.builder().bigFrames(true).maxFrameLength(MAX_FRAME_LENGTH).build()
        : Options.defaults();
    Conn client = Ftcp.dial(Pair.address(listener), options);
    try (Conn server = accept(listener, client.localAddress().getPort());
        Reader reader = server.reader()) {
      client.write(Message.of("still serving"));
      assertThat(reader.read(WAIT).text()).isEqualTo("still serving");
      client.close();
    } finally {
      client.close();
    }
  }

  /** The next connection the listener accepts, which must be the one from this local port. */
  private static Conn accept(Listener listener, int peerPort) throws IOException {
    Conn server = listener.accept(WAIT);
    if (server.remoteAddress().getPort() != peerPort) {
      server.close();
      throw new AssertionError("accepted a connection from port "
          + server.remoteAddress().getPort() + ", not from this input's " + peerPort);
    }
    return server;
  }
}
