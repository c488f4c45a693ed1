package dev.ftcp.internal.codec;

import dev.ftcp.Message;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.channel.embedded.EmbeddedChannel;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.IntSupplier;

/** Encoding and decoding helpers shared by the codec tests. */
final class Frames {
  private Frames() {}

  static byte[] encode(long id, long repId, byte[] payload, boolean bigFrames) {
    ByteBuf out = Unpooled.buffer();
    try {
      FrameCodec.encode(out, id, repId, payload, FrameCodec.prefixLength(bigFrames));
      return ByteBufUtil.getBytes(out);
    } finally {
      out.release();
    }
  }

  static byte[] encode(Message m, boolean bigFrames) {
    return encode(m.id(), m.repId(), m.data(), bigFrames);
  }

  /**
   * The most a decoder limited to frames of {@code maxFrameLength} may hold between reads: the
   * header and the payload of one frame cut by a read's end, whatever the reads' sizes.
   */
  static int heldBound(int maxFrameLength, boolean bigFrames) {
    return FrameCodec.prefixLength(bigFrames) + maxFrameLength;
  }

  static EmbeddedChannel decoder(boolean bigFrames, int maxFrameLength) {
    return new EmbeddedChannel(new FrameDecoder(bigFrames, maxFrameLength));
  }

  /** Chunk sizes for {@link #feed}: the whole input at once. */
  static IntSupplier whole() {
    return () -> Integer.MAX_VALUE;
  }

  static IntSupplier oneByteAtATime() {
    return () -> 1;
  }

  /** Chunk sizes 1..max, from a seeded generator so a failure can be replayed. */
  static IntSupplier randomChunks(long seed, int max) {
    Random random = new Random(seed);
    return () -> 1 + random.nextInt(max);
  }

  /**
   * Feeds {@code bytes} in chunks of the sizes given, then ends the stream.
   *
   * @see Decoded#write
   */
  static Decoded feed(EmbeddedChannel channel, byte[] bytes, IntSupplier chunkSizes) {
    return new Decoded(channel).write(bytes, chunkSizes).finish();
  }

  static byte[] resource(String name) {
    try (InputStream in = Frames.class.getResourceAsStream("/vectors/" + name)) {
      if (in == null) {
        throw new IllegalStateException("missing test resource /vectors/" + name);
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Feeds a decoder and keeps, in order, every message and exception its pipeline reports. */
  static final class Decoded {
    final List<Message> messages = new ArrayList<>();
    final List<Throwable> errors = new ArrayList<>();
    /** Messages and exceptions together, in the order they came. */
    final List<Object> events = new ArrayList<>();
    /** For each error, the input offsets [start, end) of the chunk whose write reported it. */
    final List<int[]> errorChunks = new ArrayList<>();
    /** The most the decoder held after any chunk (see {@link FrameDecoder#heldCapacity()}). */
    int mostHeld;
    private final EmbeddedChannel channel;
    private ByteBufAllocator inputs = ByteBufAllocator.DEFAULT;
    private int fed;

    Decoded(EmbeddedChannel channel) {
      this.channel = channel;
    }

    /**
     * Feeds chunks the leak detector does not track. At PARANOID every tracked buffer costs a
     * stack trace, which makes a stream fed byte by byte slow.
     */
    Decoded untrackedInputs() {
      inputs = UnpooledByteBufAllocator.DEFAULT;
      return this;
    }

    /**
     * Each chunk is a fresh heap buffer (from Netty's default allocator, so the leak detector
     * sees it if the decoder never releases it) whose capacity cannot grow.
     */
    Decoded write(byte[] bytes, IntSupplier chunkSizes) {
      int offset = 0;
      while (offset < bytes.length) {
        int n = Math.min(chunkSizes.getAsInt(), bytes.length - offset);
        ByteBuf chunk = inputs.heapBuffer(n, n).writeBytes(bytes, offset, n);
        offset += n;
        fed += n;
        Throwable error = null;
        try {
          channel.writeInbound(chunk);
        } catch (Throwable t) {
          error = t;
        }
        record(error, fed - n);
      }
      return this;
    }

    /** Ends the stream, as when the peer closes. */
    Decoded finish() {
      Throwable error = null;
      try {
        channel.finish();
      } catch (Throwable t) {
        error = t;
      }
      record(error, fed);
      return this;
    }

    /** Messages reach the inbound queue before the exception that stopped their chunk. */
    private void record(Throwable error, int chunkStart) {
      FrameDecoder decoder = channel.pipeline().get(FrameDecoder.class);
      if (decoder != null) {
        mostHeld = Math.max(mostHeld, decoder.heldCapacity());
      }
      for (Object m; (m = channel.readInbound()) != null; ) {
        for (Message one : messagesIn(m)) {
          messages.add(one);
          events.add(one);
        }
      }
      if (error != null) {
        errors.add(error);
        events.add(error);
        errorChunks.add(new int[] {chunkStart, fed});
      }
    }
  }

  /**
   * The messages in what the decoder passed on: a {@link DecodedFrames} (one per decode call);
   * anything else is a defect of the decoder.
   */
  static List<Message> messagesIn(Object decoded) {
    if (!(decoded instanceof DecodedFrames)) {
      throw new AssertionError("the decoder passed on a " + decoded.getClass().getName());
    }
    DecodedFrames frames = (DecodedFrames) decoded;
    if (frames.size() == 0) {
      throw new AssertionError("the decoder passed on an empty DecodedFrames");
    }
    List<Message> out = new ArrayList<>(frames.size());
    for (int i = 0; i < frames.size(); i++) {
      out.add(frames.get(i));
    }
    return out;
  }
}
