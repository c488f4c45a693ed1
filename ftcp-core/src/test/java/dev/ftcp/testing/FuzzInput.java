package dev.ftcp.testing;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * How the fuzz tests read one fuzzer input: a byte stream for a peer to send, cut into the
 * chunks it is sent in, plus a settings byte. The stream is taken from the front of the input
 * and everything else from the back, so mutating the stream leaves the chunking alone and the
 * other way round (the layout of libFuzzer's and Jazzer's {@code FuzzedDataProvider}, here
 * spelt out so seed files can be written by hand):
 *
 * <pre>
 *   input = stream bytes ... | size byte of chunk k ... size byte of chunk 1 | settings
 * </pre>
 *
 * <ul>
 *   <li>the last byte is {@link #settings()} (0 when the input is empty);
 *   <li>then, alternately, a size byte is taken from the back and that many stream bytes from
 *       the front, until the two meet. A size byte {@code b} means {@code b + 1} bytes (1..255),
 *       except {@code 0xFF}: all that is left, in one chunk. The last chunk may be shorter than
 *       its size byte says.
 * </ul>
 *
 * <p>{@link #encode} writes an input that parses back to exactly the stream and chunk sizes it
 * was given. Immutable.
 */
public final class FuzzInput {
  /** The size byte that means "the rest of the stream in one chunk". */
  public static final int REST = 0xFF;

  private final int settings;
  private final byte[] stream;
  private final int[] chunkSizes;

  private FuzzInput(int settings, byte[] stream, int[] chunkSizes) {
    this.settings = settings;
    this.stream = stream;
    this.chunkSizes = chunkSizes;
  }

  public static FuzzInput parse(byte[] input) {
    if (input.length == 0) {
      return new FuzzInput(0, new byte[0], new int[0]);
    }
    int settings = input[input.length - 1] & 0xFF;
    int front = 0;
    int back = input.length - 1;
    ByteArrayOutputStream stream = new ByteArrayOutputStream(back);
    List<Integer> sizes = new ArrayList<>();
    while (front < back) {
      int b = input[--back] & 0xFF;
      int left = back - front;
      if (left == 0) {
        break;
      }
      int n = b == REST ? left : Math.min(b + 1, left);
      stream.write(input, front, n);
      sizes.add(n);
      front += n;
    }
    return new FuzzInput(
        settings, stream.toByteArray(), sizes.stream().mapToInt(Integer::intValue).toArray());
  }

  /**
   * The input that {@link #parse} reads as {@code stream} cut into {@code chunkSizes}; a size of
   * {@code -1} stands for {@link #REST} and must come last.
   *
   * @throws IllegalArgumentException when the sizes are outside 1..255 (or -1 last) or do not
   *     add up to the stream's length
   */
  public static byte[] encode(int settings, byte[] stream, int... chunkSizes) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(stream);
    int total = 0;
    byte[] sizeBytes = new byte[chunkSizes.length];
    for (int i = 0; i < chunkSizes.length; i++) {
      int n = chunkSizes[i];
      if (n == -1 && i == chunkSizes.length - 1) {
        sizeBytes[i] = (byte) REST;
        total = stream.length;
      } else if (n >= 1 && n <= 255) {
        sizeBytes[i] = (byte) (n - 1);
        total += n;
      } else {
        throw new IllegalArgumentException("chunk size " + n + " at " + i);
      }
    }
    if (total != stream.length) {
      throw new IllegalArgumentException(
          "chunk sizes add up to " + total + ", stream is " + stream.length);
    }
    for (int i = sizeBytes.length - 1; i >= 0; i--) {
      out.write(sizeBytes[i]);
    }
    out.write(settings);
    return out.toByteArray();
  }

  /** The last byte of the input: each fuzz test says what its bits select. */
  public int settings() {
    return settings;
  }

  public byte[] stream() {
    return stream.clone();
  }

  /** Sizes of the chunks, in order; they add up to the stream's length, each at least 1. */
  public int[] chunkSizes() {
    return chunkSizes.clone();
  }

  /** The largest chunk, 0 for an empty stream. */
  public int largestChunk() {
    return Arrays.stream(chunkSizes).max().orElse(0);
  }

  @Override
  public String toString() {
    return "FuzzInput[settings=" + settings + ", " + stream.length + " bytes in "
        + chunkSizes.length + " chunks]";
  }
}
