package dev.ftcp.internal.codec;

import dev.ftcp.Message;
import java.util.Arrays;

/**
 * The messages one {@link FrameDecoder} call parsed, in order: what the decoder, used as a
 * pipeline handler, passes down the pipeline, one object per socket read rather than one
 * pipeline event per message. Written by the decoder before the pipeline sees it, read after;
 * event loop only.
 */
public final class DecodedFrames implements FrameDecoder.Sink {
  private Message[] messages = new Message[16];
  private int size;

  @Override
  public void message(Message m) {
    if (size == messages.length) {
      messages = Arrays.copyOf(messages, size * 2);
    }
    messages[size++] = m;
  }

  public int size() {
    return size;
  }

  public Message get(int i) {
    if (i >= size) {
      throw new IndexOutOfBoundsException(i + " of " + size);
    }
    return messages[i];
  }
}
