package dev.ftcp.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ftcp.Message;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(5)
class PayloadsTest {

  @Test
  void textIsQuotedAndEscapedOnOneLine() {
    Message m = new Message(3, 1, "héllo \"you\"\n\tC:\\".getBytes(StandardCharsets.UTF_8));
    assertThat(Payloads.describe(m))
        .isEqualTo("id=3 repId=1 size=17 \"héllo \\\"you\\\"\\n\\tC:\\\\\"");
  }

  @Test
  void emptyPayloadIsEmptyText() {
    assertThat(Payloads.describe(new Message(1, 0, new byte[0])))
        .isEqualTo("id=1 repId=0 size=0 \"\"");
  }

  @Test
  void invalidUtf8IsHex() {
    assertThat(Payloads.show(new byte[] {(byte) 0xc3, 0x28, (byte) 0xff})).isEqualTo("hex c328ff");
  }

  @Test
  void controlCharactersMakeItBinaryEvenWhenTheyDecode() {
    assertThat(Payloads.show(new byte[] {0, 0, 1, 'a'})).isEqualTo("hex 00000161");
    assertThat(Payloads.raw(new byte[] {0x7f})).isEqualTo("7f");
  }

  @Test
  void rawIsTheTextItself() {
    assertThat(Payloads.raw("a \"b\"\n".getBytes(StandardCharsets.UTF_8))).isEqualTo("a \"b\"\n");
  }

  @Test
  void longPayloadsAreCut() {
    byte[] big = new byte[Payloads.SHOWN_BYTES + 10];
    assertThat(Payloads.show(big))
        .endsWith(" ... (10 more)")
        .hasSize("hex ".length() + 2 * Payloads.SHOWN_BYTES + " ... (10 more)".length());
    assertThat(Payloads.quote("y".repeat(Payloads.SHOWN_BYTES + 3))).endsWith("y\" ... (3 more)");
  }
}
