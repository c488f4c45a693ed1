package dev.ftcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.net.ConnectException;
import java.net.ServerSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A failed dial says what happened in a user's words, without the transport's internals. */
@Timeout(30)
class DialErrorMessagesTest {
  @Test
  void aRefusedDialSaysWhoRefused() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort(); // closed again: nothing listens there now
    }
    String address = "127.0.0.1:" + port;
    assertThatThrownBy(() -> Ftcp.dial(address))
        .isInstanceOf(ConnectException.class)
        .hasMessage("connection refused by " + address)
        .hasNoCause();
  }

  @Test
  void theMessageNamesNoTransportCall() {
    Throwable e = catchThrowable(() -> Ftcp.dial("127.0.0.1:1"));
    assertThat(e).isInstanceOf(ConnectException.class);
    assertThat(e.getMessage()).doesNotContain("finishConnect", "error(", "/127.0.0.1");
  }
}
