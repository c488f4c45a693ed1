package dev.ftcp;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(20)
class SmokeTest {
  @Test
  void writeReadRequest() throws Exception {
    try (Listener l = Ftcp.listen("127.0.0.1:0");
        Conn c = Ftcp.dial("127.0.0.1:" + l.address().getPort());
        Conn s = l.accept()) {
      assertThat(c.write(Message.of("a"))).isEqualTo(1);
      assertThat(c.write(Message.of("b"))).isEqualTo(2);
      try (Reader r = s.reader()) {
        assertThat(r.read().text()).isEqualTo("a");
        Message b = r.read();
        assertThat(b.id()).isEqualTo(2);
        Thread echo = new Thread(() -> {
          try {
            Message q = r.read();
            s.write(q.reply(q.data()));
          } catch (Exception e) {
            throw new RuntimeException(e);
          }
        });
        echo.start();
        Message rep = c.request(Message.of("ping"), Duration.ofSeconds(5));
        assertThat(rep.text()).isEqualTo("ping");
        echo.join();
      }
      assertThat(c.stats().messagesOut()).isEqualTo(3);
    }
  }
}
