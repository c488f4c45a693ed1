package dev.ftcp.internal.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.ftcp.FrameFormatException;
import dev.ftcp.Message;
import dev.ftcp.Options;
import dev.ftcp.testing.NettyLeakCheck;
import io.netty.channel.embedded.EmbeddedChannel;
import java.io.ByteArrayOutputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.From;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import net.jqwik.api.lifecycle.AfterProperty;
import net.jqwik.api.lifecycle.BeforeProperty;
import org.junit.jupiter.api.function.Executable;

/**
 * Properties of the codec over generated frames, streams and chunkings: encoding then decoding
 * is the identity; any input whatever yields what an independent reading of the wire format
 * says it holds, or one {@link FrameFormatException} and nothing after it; and a length prefix
 * above the limit never makes the decoder buffer toward it.
 */
class FrameCodecPropertiesTest {
  /** jqwik has no @Timeout: each try runs under this bound instead. */
  private static final Duration TRY_LIMIT = Duration.ofSeconds(30);

  @BeforeProperty
  void setAsideEarlierLeaks() {
    NettyLeakCheck.setAsideEarlierLeaks();
  }

  @AfterProperty
  void assertNoLeaks() {
    NettyLeakCheck.assertNoLeaks();
  }

  private static void bounded(Executable body) {
    assertTimeoutPreemptively(TRY_LIMIT, body);
  }

  // ---------------------------------------------------------------------------------------------
  // (a) encode, then decode, is the identity

  @Property(tries = 200)
  void smallFramesRoundTrip(
      @ForAll("ids") long id,
      @ForAll("ids") long repId,
      @ForAll @IntRange(max = 65519) int size,
      @ForAll long seed,
      @ForAll @IntRange(min = 1, max = 64) int chunks) {
    bounded(() -> {
      Message sent = new Message(id, repId, randomBytes(size, seed));
      byte[] frame = Frames.encode(sent, false);

      assertThat(frame).hasSize(2 + 16 + size);
      Frames.Decoded decoded = Frames.feed(Frames.decoder(false, Options.MAX_SMALL_FRAME_LENGTH),
          frame, Frames.randomChunks(seed, Math.max(1, frame.length / chunks)));
      assertThat(decoded.errors).isEmpty();
      assertThat(decoded.messages).containsExactly(sent);
    });
  }

  @Property(tries = 50)
  void bigFramesRoundTripUpToTheirLimit(
      @ForAll("ids") long id,
      @ForAll("ids") long repId,
      @ForAll @IntRange(max = 300_000) int size,
      @ForAll @IntRange(max = 100) int slack,
      @ForAll long seed) {
    bounded(() -> {
      Message sent = new Message(id, repId, randomBytes(size, seed));
      byte[] frame = Frames.encode(sent, true);
      int maxFrameLength = 16 + size + slack; // slack 0: a frame of exactly the limit

      assertThat(frame).hasSize(4 + 16 + size);
      Frames.Decoded decoded = Frames.feed(Frames.decoder(true, maxFrameLength), frame,
          Frames.randomChunks(seed, Math.max(1, frame.length / 16)));
      assertThat(decoded.errors).isEmpty();
      assertThat(decoded.messages).containsExactly(sent);
    });
  }

  @Property(tries = 200)
  void streamsRoundTripInAnyChunking(
      @ForAll @Size(max = 10) List<@From("messages") Message> sent,
      @ForAll boolean bigFrames,
      @ForAll long chunkSeed,
      @ForAll @IntRange(min = 1, max = 300) int maxChunk) {
    bounded(() -> {
      ByteArrayOutputStream stream = new ByteArrayOutputStream();
      sent.forEach(m -> stream.writeBytes(Frames.encode(m, bigFrames)));

      Frames.Decoded decoded = Frames.feed(Frames.decoder(bigFrames, 65535),
          stream.toByteArray(), Frames.randomChunks(chunkSeed, maxChunk));
      assertThat(decoded.errors).isEmpty();
      assertThat(decoded.messages).containsExactlyElementsOf(sent);
    });
  }

  // ---------------------------------------------------------------------------------------------
  // (b) any input yields what the wire format says, or one framing error and nothing after it

  @Property(tries = 300)
  void anyBytesYieldWhatTheFormatSaysOrOneFramingError(
      @ForAll @Size(max = 600) byte[] bytes,
      @ForAll boolean bigFrames,
      @ForAll @IntRange(min = 16, max = 700) int maxFrameLength,
      @ForAll long chunkSeed,
      @ForAll @IntRange(min = 1, max = 64) int maxChunk) {
    bounded(() -> assertDecodesAsTheModel(
        new Case(bigFrames, maxFrameLength, bytes, chunkSeed, maxChunk)));
  }

  /** As above, with streams built of frames, good and bad, rather than noise. */
  @Property(tries = 300)
  void framelikeStreamsYieldWhatTheFormatSaysOrOneFramingError(
      @ForAll("framelikeStreams") Case c) {
    bounded(() -> assertDecodesAsTheModel(c));
  }

  private static void assertDecodesAsTheModel(Case c) {
    Model expected = Model.read(c.stream, c.bigFrames, c.maxFrameLength);
    Frames.Decoded decoded = Frames.feed(Frames.decoder(c.bigFrames, c.maxFrameLength), c.stream,
        Frames.randomChunks(c.chunkSeed, c.maxChunk));

    for (Throwable t : decoded.errors) {
      assertThat(FrameDecoder.framingError(t)).as("a framing error, not %s", t).isNotNull();
    }
    assertThat(decoded.messages).containsExactlyElementsOf(expected.messages);
    if (expected.error == null) {
      assertThat(decoded.errors).isEmpty();
      return;
    }
    assertThat(decoded.errors).hasSize(1);
    assertThat(decoded.events.get(decoded.events.size() - 1)).isSameAs(decoded.errors.get(0));
    assertThat(FrameDecoder.framingError(decoded.errors.get(0)))
        .hasMessageContaining(expected.error);
    // Reported by the chunk that brought the byte that made the frame bad, not later.
    int[] chunk = decoded.errorChunks.get(0);
    assertThat(chunk[0]).isLessThan(expected.errorKnownAt);
    assertThat(chunk[1]).isGreaterThanOrEqualTo(expected.errorKnownAt);
  }

  // ---------------------------------------------------------------------------------------------
  // (c) a length above the limit is refused at once, and nothing is buffered toward it

  @Property(tries = 60)
  void hostileLengthIsRefusedAtOnceAndNeverBufferedToward(
      @ForAll boolean bigFrames,
      @ForAll @IntRange(min = 16, max = 1000) int maxFrameLength,
      @ForAll("lengthsAboveAnyLimit") long announced,
      @ForAll @Size(max = 3) List<@From("messages") Message> before,
      @ForAll long chunkSeed,
      @ForAll @IntRange(min = 16, max = 256) int maxChunk) {
    bounded(() -> {
      int prefixLength = FrameCodec.prefixLength(bigFrames);
      long n = Math.min(Math.max(announced, maxFrameLength + 1L), bigFrames ? 0xFFFFFFFFL : 0xFFFF);
      List<Message> fitting = new ArrayList<>();
      ByteArrayOutputStream stream = new ByteArrayOutputStream();
      for (Message m : before) {
        Message cut = new Message(m.id(), m.repId(),
            Arrays.copyOf(m.data(), Math.min(m.data().length, maxFrameLength - 16)));
        fitting.add(cut);
        stream.writeBytes(Frames.encode(cut, bigFrames));
      }
      for (int i = 0; i < prefixLength; i++) {
        stream.write((int) (n >>> (8 * i)));
      }
      int prefixEnd = stream.size();
      int bound = Frames.heldBound(maxFrameLength, bigFrames);
      // Twice what the decoder may hold: a decoder that buffers toward n would exceed the bound.
      stream.writeBytes(randomBytes(2 * bound, chunkSeed));
      EmbeddedChannel channel = Frames.decoder(bigFrames, maxFrameLength);

      Frames.Decoded decoded = new Frames.Decoded(channel)
          .untrackedInputs()
          .write(stream.toByteArray(), Frames.randomChunks(chunkSeed, maxChunk))
          .finish();

      assertThat(decoded.messages).containsExactlyElementsOf(fitting);
      assertThat(decoded.errors).hasSize(1);
      assertThat(FrameDecoder.framingError(decoded.errors.get(0)))
          .hasMessageContaining("frame length " + n + " exceeds maxFrameLength " + maxFrameLength);
      assertThat(decoded.errorChunks.get(0)[0]).isLessThan(prefixEnd);
      assertThat(decoded.errorChunks.get(0)[1]).isGreaterThanOrEqualTo(prefixEnd);
      assertThat(decoded.mostHeld).isLessThanOrEqualTo(bound);
    });
  }

  // ---------------------------------------------------------------------------------------------
  // Generators

  /**
   * IDs over the whole range, and often at a varint length boundary: uniform values of 56 bits
   * almost always take all 8 bytes of the slot.
   */
  @Provide
  Arbitrary<Long> ids() {
    Arbitrary<Long> boundaries = Arbitraries.integers().between(1, 8).flatMap(bytes ->
        Arbitraries.of((1L << (7 * bytes)) - 1, 1L << (7 * (bytes - 1))));
    return Arbitraries.frequencyOf(
        Tuple.of(2, Arbitraries.longs().between(0, Message.MAX_ID)),
        Tuple.of(1, boundaries),
        Tuple.of(1, Arbitraries.longs().between(0, 300)));
  }

  @Provide
  Arbitrary<Message> messages() {
    return Combinators.combine(ids(), ids(), Arbitraries.integers().between(0, 2000),
            Arbitraries.longs())
        .as((id, repId, size, seed) -> new Message(id, repId, randomBytes(size, seed)));
  }

  @Provide
  Arbitrary<Long> lengthsAboveAnyLimit() {
    return Arbitraries.frequencyOf(
        Tuple.of(1, Arbitraries.longs().between(1001, 0xFFFF)),
        Tuple.of(1, Arbitraries.longs().between(0x10000, 0xFFFFFFFFL)),
        Tuple.of(1, Arbitraries.of(0xFFFFL, 0x7FFFFFFFL, 0x80000000L, 0xFFFFFFFFL)));
  }

  @Provide
  Arbitrary<Case> framelikeStreams() {
    return Combinators.combine(
            Arbitraries.of(false, true),
            Arbitraries.integers().between(16, 700),
            Arbitraries.longs(),
            Arbitraries.longs(),
            Arbitraries.integers().between(1, 64))
        .as((bigFrames, max, streamSeed, chunkSeed, maxChunk) -> new Case(bigFrames, max,
            framelike(new Random(streamSeed), bigFrames, max), chunkSeed, maxChunk));
  }

  /** A few frames: mostly good ones, some of each kind of bad one, maybe cut short at the end. */
  private static byte[] framelike(Random random, boolean bigFrames, int max) {
    int prefixLength = FrameCodec.prefixLength(bigFrames);
    long largestN = bigFrames ? 0xFFFFFFFFL : 0xFFFF;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int pieces = random.nextInt(7);
    for (int p = 0; p < pieces; p++) {
      int kind = random.nextInt(10);
      if (kind < 5) {
        int n = 16 + random.nextInt(Math.min(max - 16, 200) + 1);
        writeLength(out, n, prefixLength);
        out.writeBytes(slot(random, random.nextLong() >>> 8, random.nextBoolean()));
        out.writeBytes(slot(random, random.nextInt(1000), random.nextBoolean()));
        out.writeBytes(randomBytes(n - 16, random.nextLong()));
      } else if (kind == 5) { // shorter than its slots
        int n = random.nextInt(16);
        writeLength(out, n, prefixLength);
        out.writeBytes(randomBytes(n, random.nextLong()));
      } else if (kind == 6 || kind == 7) { // a varint that runs off its slot
        int n = 16 + random.nextInt(Math.min(max - 16, 50) + 1);
        writeLength(out, n, prefixLength);
        byte[] body = randomBytes(n, random.nextLong());
        for (int i = kind == 6 ? 0 : 8, end = i + 8; i < end; i++) {
          body[i] |= (byte) 0x80;
        }
        out.writeBytes(body);
      } else if (kind == 8) { // longer than the limit
        long n = max + 1 + (long) (random.nextDouble() * (largestN - max - 1));
        writeLength(out, n, prefixLength);
        out.writeBytes(randomBytes(random.nextInt(100), random.nextLong()));
      } else { // noise
        out.writeBytes(randomBytes(random.nextInt(30), random.nextLong()));
      }
    }
    byte[] stream = out.toByteArray();
    return random.nextInt(4) == 0 && stream.length > 0
        ? Arrays.copyOf(stream, random.nextInt(stream.length))
        : stream;
  }

  /**
   * An 8-byte slot holding {@code value} as Go's PutUvarint writes it, followed by zeros, or by
   * noise that a reader must ignore.
   */
  private static byte[] slot(Random random, long value, boolean noisyPadding) {
    byte[] slot = noisyPadding ? randomBytes(8, random.nextLong()) : new byte[8];
    int i = 0;
    while (value >= 0x80) {
      slot[i++] = (byte) (value | 0x80);
      value >>>= 7;
    }
    slot[i] = (byte) value;
    return slot;
  }

  private static void writeLength(ByteArrayOutputStream out, long n, int prefixLength) {
    for (int i = 0; i < prefixLength; i++) {
      out.write((int) (n >>> (8 * i)));
    }
  }

  private static byte[] randomBytes(int size, long seed) {
    byte[] bytes = new byte[size];
    new Random(seed).nextBytes(bytes);
    return bytes;
  }

  /** One input: the decoder's settings, the stream, and how it is cut into reads. */
  static final class Case {
    final boolean bigFrames;
    final int maxFrameLength;
    final byte[] stream;
    final long chunkSeed;
    final int maxChunk;

    Case(boolean bigFrames, int maxFrameLength, byte[] stream, long chunkSeed, int maxChunk) {
      this.bigFrames = bigFrames;
      this.maxFrameLength = maxFrameLength;
      this.stream = stream;
      this.chunkSeed = chunkSeed;
      this.maxChunk = maxChunk;
    }

    @Override
    public String toString() {
      return "Case{bigFrames=" + bigFrames + ", maxFrameLength=" + maxFrameLength
          + ", chunkSeed=" + chunkSeed + ", maxChunk=" + maxChunk + ", stream="
          + HexFormat.of().formatHex(stream) + "}";
    }
  }

  /**
   * What a stream holds, read straight from PROTOCOL.md §1 without the codec's code: the
   * messages of the complete, well-formed frames before the first bad one, and what is wrong
   * with that one, if any.
   */
  static final class Model {
    final List<Message> messages = new ArrayList<>();
    /** A fragment of the decoder's error message, or {@code null} when the stream is fine. */
    String error;
    /** How many bytes of the stream make the error certain. */
    int errorKnownAt;

    static Model read(byte[] s, boolean bigFrames, int maxFrameLength) {
      Model model = new Model();
      int prefixLength = bigFrames ? 4 : 2;
      int pos = 0;
      while (s.length - pos >= prefixLength) {
        long n = 0;
        for (int i = prefixLength - 1; i >= 0; i--) {
          n = (n << 8) | (s[pos + i] & 0xFF);
        }
        int body = pos + prefixLength;
        if (n > maxFrameLength) {
          return model.failed("exceeds maxFrameLength", body);
        }
        if (n < 16) {
          return model.failed("shorter than the 16 bytes", body);
        }
        if (s.length - body < n) {
          break; // the stream ends inside this frame
        }
        Long id = uvarint(s, body);
        if (id == null) {
          return model.failed("the ID varint", body + (int) n);
        }
        Long repId = uvarint(s, body + 8);
        if (repId == null) {
          return model.failed("the RepID varint", body + (int) n);
        }
        byte[] payload = Arrays.copyOfRange(s, body + 16, body + (int) n);
        model.messages.add(new Message(id, repId, payload));
        pos = body + (int) n;
      }
      return model;
    }

    private Model failed(String error, int knownAt) {
      this.error = error;
      this.errorKnownAt = knownAt;
      return this;
    }

    /** Go's binary.Uvarint over the 8 bytes of a slot; {@code null} if no byte ends it. */
    private static Long uvarint(byte[] s, int at) {
      long value = 0;
      for (int i = 0; i < 8; i++) {
        int b = s[at + i] & 0xFF;
        value |= (long) (b & 0x7F) << (7 * i);
        if (b < 0x80) {
          return value;
        }
      }
      return null;
    }
  }
}
