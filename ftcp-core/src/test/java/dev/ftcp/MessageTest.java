package dev.ftcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ftcp.internal.Internal;
import java.nio.charset.StandardCharsets;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Building messages and replies, and what makes two messages equal. */
@Timeout(10)
class MessageTest {

  @Test
  void largestIdIsWhatAnEightByteVarintSlotHolds() {
    assertThat(Message.MAX_ID).isEqualTo((1L << 56) - 1).isEqualTo(72057594037927935L);
  }

  @Test
  void ofBytesLeavesTheIdToTheConnectionAndDoesNotCopy() {
    byte[] data = {1, 2, 3};

    Message m = Message.of(data);

    assertThat(m.id()).as("assigned when written").isZero();
    assertThat(m.repId()).as("not a reply").isZero();
    assertThat(m.data()).isSameAs(data);
    assertThat(m.tlsSession()).isNull();
  }

  @Test
  void ofTextIsUtf8() {
    Message m = Message.of("héllo ✓");

    assertThat(m.data()).isEqualTo("héllo ✓".getBytes(StandardCharsets.UTF_8)).hasSize(10);
    assertThat(m.text()).isEqualTo("héllo ✓");
    assertThat(m.id()).isZero();
  }

  @Test
  void ofRefusesNull() {
    assertThatThrownBy(() -> Message.of((byte[]) null))
        .isInstanceOf(NullPointerException.class)
        .hasMessageContaining("data");
    assertThatThrownBy(() -> Message.of((String) null))
        .isInstanceOf(NullPointerException.class)
        .hasMessageContaining("text");
  }

  @Test
  void constructorTakesEveryField() {
    byte[] data = {1};
    Message m = new Message(5, 7, data);

    assertThat(m.id()).isEqualTo(5);
    assertThat(m.repId()).isEqualTo(7);
    assertThat(m.data()).isSameAs(data);
  }

  @Test
  void constructorAndReplyRefuseNullData() {
    assertThatThrownBy(() -> new Message(5, 7, null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("data");
    assertThatThrownBy(() -> new Message(5, 7, new byte[0]).reply(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("data");
  }

  @Test
  void replyAnswersThisMessagesIdAndGetsItsOwnIdWhenWritten() {
    Message request = new Message(42, 3, new byte[] {1});
    byte[] answer = {9, 9};

    Message reply = request.reply(answer);

    assertThat(reply.repId()).isEqualTo(42);
    assertThat(reply.id()).isZero();
    assertThat(reply.data()).isSameAs(answer);
  }

  @Test
  void equalWhenIdRepIdAndPayloadBytesAreEqual() {
    Message m = new Message(1, 2, new byte[] {3, 4});
    Message same = new Message(1, 2, new byte[] {3, 4});

    assertThat(m).isEqualTo(same).hasSameHashCodeAs(same);
    assertThat(m).isNotEqualTo(new Message(9, 2, new byte[] {3, 4}));
    assertThat(m).isNotEqualTo(new Message(1, 9, new byte[] {3, 4}));
    assertThat(m).isNotEqualTo(new Message(1, 2, new byte[] {3, 5}));
    assertThat(m).isNotEqualTo(new Message(1, 2, new byte[] {3}));
    assertThat(m).isNotEqualTo(null).isNotEqualTo("Message{id=1, repId=2, 2 bytes}");
    assertThat(new Message(1, 2, new byte[0])).isEqualTo(new Message(1, 2, new byte[0]));
  }

  @Test
  void receivedMessageCarriesItsSessionButEqualityIgnoresIt() throws Exception {
    SSLSession session = SSLContext.getDefault().createSSLEngine().getSession();

    Message received = Internal.received(1, 2, new byte[] {3}, session);

    assertThat(received.tlsSession()).isSameAs(session);
    assertThat(received).isEqualTo(new Message(1, 2, new byte[] {3}));
    assertThat(received.hashCode()).isEqualTo(new Message(1, 2, new byte[] {3}).hashCode());
  }

  @Test
  void toStringShowsTheIdsAndSizeButNotThePayload() {
    String s = new Message(59, 7, "secret".getBytes(StandardCharsets.US_ASCII)).toString();

    assertThat(s).contains("59").contains("7").contains("6 bytes").doesNotContain("secret");
  }
}
