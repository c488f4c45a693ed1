package dev.ftcp.bench.socket;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ftcp.bench.netty.RawFrame;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The socket baseline's batches come apart into the frames put in, however reads split them. */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class FrameReaderTest {

  @Test
  void readsBackEveryFrameOfSeveralBatchesWhateverTheReadSizes() throws IOException {
    ByteArrayOutputStream wire = new ByteArrayOutputStream();
    FrameWriter out = new FrameWriter(wire);
    byte[] payload = new byte[1024];
    payload[1023] = 9;
    long frames = 0;
    for (int batch = 0; batch < 3; batch++) {
      while (out.hasRoom(payload.length)) {
        out.add(++frames, frames / 2, payload);
      }
      out.flush();
    }
    assertThat(frames).isEqualTo(3 * (FrameWriter.CAPACITY / (payload.length + 18)));
    for (int chunk : new int[] {1, 7, 1042, 5000, Integer.MAX_VALUE}) {
      FrameReader in = new FrameReader(new Trickle(wire.toByteArray(), chunk));
      for (long id = 1; id <= frames; id++) {
        RawFrame f = in.next();
        assertThat(f.id()).as("chunks of %d", chunk).isEqualTo(id);
        assertThat(f.repId()).isEqualTo(id / 2);
        assertThat(f.payload()).isEqualTo(payload);
      }
      assertThat(in.next()).isNull();
    }
  }

  /** Hands out at most {@code chunk} bytes per read, as a socket may. */
  private static final class Trickle extends InputStream {
    private final byte[] bytes;
    private final int chunk;
    private int at;

    Trickle(byte[] bytes, int chunk) {
      this.bytes = bytes;
      this.chunk = chunk;
    }

    @Override
    public int read() {
      return at < bytes.length ? bytes[at++] & 0xFF : -1;
    }

    @Override
    public int read(byte[] b, int off, int len) {
      if (at == bytes.length) {
        return -1;
      }
      int n = Math.min(Math.min(len, chunk), bytes.length - at);
      System.arraycopy(bytes, at, b, off, n);
      at += n;
      return n;
    }
  }
}
