package dev.ftcp.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The seed inputs of the fuzz tests (docs/FUZZING.md), in {@link FuzzInput}'s layout: the golden
 * wire vectors whole, byte by byte and in odd chunks, with 4-byte prefixes for big frames, and
 * hand-made hostile streams. {@code FuzzSeedsTest} checks that the committed files are these;
 * after changing this class, rewrite them with
 *
 * <pre>
 *   mvn -pl ftcp-core test-compile
 *   java -cp ftcp-core/target/test-classes dev.ftcp.testing.FuzzSeeds ftcp-core/src/test/resources
 * </pre>
 *
 * (inputs Jazzer saved as findings, {@code crash-*}, are left alone).
 */
public final class FuzzSeeds {
  /** Inputs directories of the two fuzz tests, below the test resources. */
  public static final String DECODER_DIR =
      "dev/ftcp/internal/codec/FrameDecoderFuzzITInputs/decodesExactlyWhatTheSpecSays";
  public static final String SERVER_DIR =
      "dev/ftcp/ServerConnFuzzITInputs/serverConnDeliversOrFailsCleanly";

  /**
   * Settings bits: bit 0 big frames in both tests; bits 1-2 the decoder's maxFrameLength, and
   * the server test's reader (opened late, readAsync).
   */
  static final int BIG = 1;
  static final int MAX_16 = 1 << 1;
  static final int MAX_17 = 2 << 1;
  static final int MAX_300 = 3 << 1;

  static final int LATE_READER = 1 << 1;
  static final int READ_ASYNC = 1 << 2;

  private static final int REST = -1;

  private FuzzSeeds() {}

  /** Seeds for both tests, by file name. */
  public static Map<String, byte[]> common() {
    byte[] hello = vector("01-hello.bin");
    byte[] autoId = vector("02-auto-id.bin");
    byte[] reply = vector("03-reply.bin");
    byte[] empty = vector("04-empty.bin");
    byte[] bigIds = vector("05-big-ids.bin");
    byte[] maxFrame = vector("06-max-frame.bin");
    byte[] firstFive = join(hello, autoId, reply, empty, bigIds);

    Map<String, byte[]> seeds = new LinkedHashMap<>();
    seeds.put("vector-01-hello", FuzzInput.encode(0, hello, REST));
    seeds.put("vector-01-hello-byte-by-byte", FuzzInput.encode(0, hello, ones(hello.length)));
    seeds.put("vector-02-auto-id", FuzzInput.encode(0, autoId, REST));
    seeds.put("vector-03-reply", FuzzInput.encode(0, reply, REST));
    seeds.put("vector-04-empty", FuzzInput.encode(0, empty, REST));
    seeds.put("vector-05-big-ids", FuzzInput.encode(0, bigIds, REST));
    seeds.put("vectors-01-to-05-odd-chunks",
        FuzzInput.encode(0, firstFive, oddChunks(firstFive.length)));
    // Vector 06 is 65537 bytes; its prefix (65535) is above the fuzz tests' limits anyway.
    seeds.put("vector-06-head-above-limit",
        FuzzInput.encode(0, join(firstFive, Arrays.copyOf(maxFrame, 64)), REST));
    seeds.put("big-vectors-01-to-05", FuzzInput.encode(BIG,
        join(big(hello), big(autoId), big(reply), big(empty), big(bigIds)), REST));
    seeds.put("big-vector-01-hello-byte-by-byte",
        FuzzInput.encode(BIG, big(hello), ones(big(hello).length)));

    byte[] atLimit = frame(2, 4096, "2a00000000000000", "0000000000000000");
    seeds.put("frame-at-limit-4096", FuzzInput.encode(0, atLimit, REST));
    seeds.put("big-frame-at-limit-4096", FuzzInput.encode(BIG, join(big(atLimit)), REST));
    seeds.put("hostile-length-ffff", FuzzInput.encode(0, join(hello, hex("ffff"), hello), REST));
    seeds.put("hostile-length-4097", FuzzInput.encode(0, join(hex("0110"), new byte[32]), REST));
    seeds.put("hostile-big-length-ffffffff",
        FuzzInput.encode(BIG, join(big(hello), hex("ffffffff"), new byte[16]), REST));
    seeds.put("hostile-big-length-4097", FuzzInput.encode(BIG, hex("01100000"), 1, 1, 1, 1));
    seeds.put("hostile-length-0", FuzzInput.encode(0, join(hello, hex("0000"), hello), REST));
    seeds.put("hostile-length-15", FuzzInput.encode(0, join(hex("0f00"), new byte[15]), REST));
    seeds.put("hostile-big-length-0", FuzzInput.encode(BIG, hex("00000000"), REST));
    seeds.put("hostile-id-varint-unterminated", FuzzInput.encode(0,
        join(hello, frame(2, 16, "8080808080808080", "0000000000000000")), REST));
    seeds.put("hostile-repid-varint-unterminated",
        FuzzInput.encode(0, frame(2, 19, "0100000000000000", "ffffffffffffffff"), REST));
    seeds.put("id-varint-with-junk-after-its-end",
        FuzzInput.encode(0, frame(2, 20, "3bffffffffffffff", "01aaaaaaaaaaaaaa"), 5, 17));
    seeds.put("truncated-in-prefix", FuzzInput.encode(0, join(hello, hex("22")), REST));
    seeds.put("truncated-in-slots", FuzzInput.encode(0, Arrays.copyOf(hello, 9), REST));
    seeds.put("truncated-in-payload",
        FuzzInput.encode(0, join(hello, Arrays.copyOf(hello, hello.length - 1)), REST));
    byte[] manyEmpty = new byte[0];
    for (int i = 0; i < 40; i++) {
      manyEmpty = join(manyEmpty, empty);
    }
    seeds.put("forty-empty-frames-in-chunks-of-7",
        FuzzInput.encode(0, manyEmpty, sevens(manyEmpty.length)));
    return seeds;
  }

  /** Seeds for the decoder's smaller maxFrameLength settings only. */
  public static Map<String, byte[]> decoderOnly() {
    byte[] hello = vector("01-hello.bin");
    byte[] empty = vector("04-empty.bin");
    Map<String, byte[]> seeds = new LinkedHashMap<>();
    seeds.put("max-16-empty-payload-fits", FuzzInput.encode(MAX_16, join(empty, empty), REST));
    seeds.put("max-16-hello-does-not", FuzzInput.encode(MAX_16, join(empty, hello), REST));
    seeds.put("max-17-one-byte-payload-fits",
        FuzzInput.encode(MAX_17, frame(2, 17, "0100000000000000", "0000000000000000"), 3, 16));
    seeds.put("max-17-big-two-bytes-do-not",
        FuzzInput.encode(MAX_17 | BIG, frame(4, 18, "0100000000000000", "0000000000000000"), REST));
    seeds.put("max-300-at-and-above",
        FuzzInput.encode(MAX_300, join(frame(2, 300, "01", "00"), hex("2d01")), REST));
    return seeds;
  }

  /** Seeds for the server test's reader settings only: bit 1 late reader, bit 2 readAsync. */
  public static Map<String, byte[]> serverOnly() {
    byte[] hello = vector("01-hello.bin");
    byte[] reply = vector("03-reply.bin");
    byte[] twoThenBad = join(hello, reply, hex("0f00"), new byte[15]);
    Map<String, byte[]> seeds = new LinkedHashMap<>();
    seeds.put("late-reader-two-then-malformed", FuzzInput.encode(LATE_READER, twoThenBad, REST));
    seeds.put("late-reader-two-then-end", FuzzInput.encode(LATE_READER, join(hello, reply), REST));
    seeds.put("read-async-two-then-malformed",
        FuzzInput.encode(READ_ASYNC, twoThenBad, oddChunks(twoThenBad.length)));
    seeds.put("late-reader-read-async-big",
        FuzzInput.encode(LATE_READER | READ_ASYNC | BIG, join(big(hello), big(reply)), REST));
    return seeds;
  }

  public static void main(String[] args) throws IOException {
    if (args.length != 1) {
      System.err.println("usage: FuzzSeeds <test resources directory>");
      System.exit(2);
    }
    Path resources = Path.of(args[0]);
    Map<String, byte[]> decoder = new LinkedHashMap<>(common());
    decoder.putAll(decoderOnly());
    write(resources.resolve(DECODER_DIR), decoder);
    Map<String, byte[]> server = new LinkedHashMap<>(common());
    server.putAll(serverOnly());
    write(resources.resolve(SERVER_DIR), server);
  }

  private static void write(Path dir, Map<String, byte[]> seeds) throws IOException {
    Files.createDirectories(dir);
    for (Map.Entry<String, byte[]> seed : seeds.entrySet()) {
      Files.write(dir.resolve(seed.getKey()), seed.getValue());
    }
    System.out.println(seeds.size() + " seeds in " + dir);
  }

  /**
   * A frame of length N with the given slots (hex, zero-padded to 8 bytes) and a payload of
   * N - 16 bytes counting up from 0.
   */
  private static byte[] frame(int prefixLength, int n, String idSlot, String repIdSlot) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (int i = 0; i < prefixLength; i++) {
      out.write(n >>> (8 * i));
    }
    out.writeBytes(Arrays.copyOf(hex(idSlot), 8));
    out.writeBytes(Arrays.copyOf(hex(repIdSlot), 8));
    for (int i = 0; i < n - 16; i++) {
      out.write(i);
    }
    return out.toByteArray();
  }

  /** A frame with a 2-byte prefix, re-prefixed with 4 bytes. */
  private static byte[] big(byte[] frame) {
    return join(new byte[] {frame[0], frame[1], 0, 0}, Arrays.copyOfRange(frame, 2, frame.length));
  }

  private static int[] ones(int n) {
    int[] sizes = new int[n];
    Arrays.fill(sizes, 1);
    return sizes;
  }

  private static int[] sevens(int n) {
    int[] sizes = new int[(n + 6) / 7];
    Arrays.fill(sizes, 7);
    sizes[sizes.length - 1] = n - 7 * (sizes.length - 1);
    return sizes;
  }

  /** Chunks of 1, 2, 3, 5, 8, 13 ... (Fibonacci, restarting above 97), adding up to n. */
  private static int[] oddChunks(int n) {
    int[] sizes = new int[n];
    int count = 0;
    int a = 1;
    int b = 2;
    for (int left = n; left > 0; count++) {
      int size = Math.min(a, left);
      sizes[count] = size;
      left -= size;
      int next = a + b > 97 ? 1 : a + b;
      a = b;
      b = next;
    }
    return Arrays.copyOf(sizes, count);
  }

  private static byte[] hex(String hex) {
    return HexFormat.of().parseHex(hex);
  }

  private static byte[] join(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] part : parts) {
      out.writeBytes(part);
    }
    return out.toByteArray();
  }

  private static byte[] vector(String name) {
    try (InputStream in = FuzzSeeds.class.getResourceAsStream("/vectors/" + name)) {
      if (in == null) {
        throw new IllegalStateException("missing test resource /vectors/" + name);
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
