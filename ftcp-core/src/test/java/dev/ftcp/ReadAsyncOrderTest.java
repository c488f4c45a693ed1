package dev.ftcp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ftcp.testing.NettyLeakCheck;
import dev.ftcp.testing.Pair;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Outstanding readAsync() futures of one reader, issued in order by one thread, must get
 * the messages in arrival order. Found by the hostile-peer work: registrations used to re-queue
 * themselves on the event loop when the take lock was busy, so a later one could overtake.
 */
@Timeout(60)
class ReadAsyncOrderTest {
  @RegisterExtension static final NettyLeakCheck LEAKS = new NettyLeakCheck();

  @RepeatedTest(5)
  void outstandingAsyncReadsGetMessagesInTheOrderTheyWereMade() throws Exception {
    int n = 2000;
    try (Pair p = Pair.open(); Reader r = p.server.reader()) {
      List<CompletableFuture<Message>> reads = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        reads.add(r.readAsync());
      }
      for (int i = 0; i < n; i++) {
        p.client.write(Message.of("m" + i));
      }
      int outOfOrder = 0;
      for (int i = 0; i < n; i++) {
        if (!reads.get(i).get(10, TimeUnit.SECONDS).text().equals("m" + i)) {
          outOfOrder++;
        }
      }
      assertThat(outOfOrder).as("futures that got another message than their turn's").isZero();
    }
  }
}
