package dev.ftcp.cli;

import dev.ftcp.Message;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/** Shows payloads to people: as text when they are text, as hex otherwise. Stateless. */
final class Payloads {
  /** Payload bytes shown per message before the rest is summarized, so one line stays a line. */
  static final int SHOWN_BYTES = 1024;

  private static final char[] HEX = "0123456789abcdef".toCharArray();

  private Payloads() {}

  /**
   * The text of a payload that is UTF-8 without control characters (tab, newline and carriage
   * return allowed), or {@code null}. Bytes that happen to decode, such as a run of zeros, are
   * binary to a reader, so they are not text here.
   */
  static String text(byte[] data) {
    CharBuffer chars;
    try {
      chars = StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(data));
    } catch (CharacterCodingException e) {
      return null;
    }
    for (int i = 0; i < chars.length(); i++) {
      char c = chars.charAt(i);
      if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0x7f) {
        return null;
      }
    }
    return chars.toString();
  }

  /**
   * One line describing a received message, for {@code listen}:
   * {@code id=3 repId=0 size=5 "hello"} or {@code id=4 repId=0 size=3 hex 00ff10}.
   */
  static String describe(Message m) {
    return "id=" + m.id() + " repId=" + m.repId() + " size=" + m.data().length + " "
        + show(m.data());
  }

  /** The payload as a quoted, escaped string when it is text, else as {@code hex ...}. */
  static String show(byte[] data) {
    String text = text(data);
    if (text != null) {
      return quote(text);
    }
    int shown = Math.min(data.length, SHOWN_BYTES);
    StringBuilder b = new StringBuilder(4 + 2 * shown + 24).append("hex ");
    appendHex(b, data, shown);
    return b.append(more(data.length - shown)).toString();
  }

  /**
   * The payload for a script to use, as {@code request} prints a reply: the text itself when it
   * is text, else its hex digits.
   */
  static String raw(byte[] data) {
    String text = text(data);
    if (text != null) {
      return text;
    }
    StringBuilder b = new StringBuilder(2 * data.length);
    appendHex(b, data, data.length);
    return b.toString();
  }

  /** Double-quoted, with quotes, backslashes and line breaks escaped, cut after a while. */
  static String quote(String text) {
    int shown = Math.min(text.length(), SHOWN_BYTES);
    StringBuilder b = new StringBuilder(shown + 24).append('"');
    for (int i = 0; i < shown; i++) {
      char c = text.charAt(i);
      switch (c) {
        case '"' -> b.append("\\\"");
        case '\\' -> b.append("\\\\");
        case '\n' -> b.append("\\n");
        case '\r' -> b.append("\\r");
        case '\t' -> b.append("\\t");
        default -> b.append(c);
      }
    }
    b.append('"');
    return b.append(more(text.length() - shown)).toString();
  }

  private static void appendHex(StringBuilder b, byte[] data, int count) {
    for (int i = 0; i < count; i++) {
      b.append(HEX[(data[i] >> 4) & 0xf]).append(HEX[data[i] & 0xf]);
    }
  }

  private static String more(int notShown) {
    return notShown > 0 ? " ... (" + notShown + " more)" : "";
  }
}
