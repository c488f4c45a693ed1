package dev.ftcp;

import dev.ftcp.testing.NettyLeakCheck;
import static org.assertj.core.api.Assertions.assertThat;

import dev.ftcp.testing.Pair;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Blocking calls on an ftcp I/O thread would deadlock it, so they throw. The only way
 * application code reaches an I/O thread is a direct callback executor, which this test uses.
 */
@Timeout(30)
class IoThreadTest {
  @RegisterExtension static final NettyLeakCheck LEAKS = new NettyLeakCheck();


  @Test
  void blockingCallsOnAnIoThreadThrowIllegalState() throws Exception {
    CompletableFuture<String> thread = new CompletableFuture<>();
    CompletableFuture<Throwable> write = new CompletableFuture<>();
    CompletableFuture<Throwable> read = new CompletableFuture<>();
    CompletableFuture<Throwable> request = new CompletableFuture<>();
    CompletableFuture<Throwable> accept = new CompletableFuture<>();
    try (Listener l = Ftcp.listen("127.0.0.1:0")) {
      Options direct = Options.builder()
          .callbackExecutor(Runnable::run) // runs callbacks where they arise: the I/O thread
          .stateListener(new ConnStateListener() {
            @Override
            public void connected(Conn c) {
              thread.complete(Thread.currentThread().getName());
              write.complete(caught(() -> c.write(Message.of("x"))));
              read.complete(caught(() -> c.reader().read()));
              request.complete(caught(() -> c.request(Message.of("x"), Duration.ofSeconds(1))));
              accept.complete(caught(l::accept));
            }
          })
          .build();
      try (Conn c = Ftcp.dial(Pair.address(l), direct)) {
        assertThat(thread.get()).startsWith("ftcp-io-");
        for (CompletableFuture<Throwable> f : java.util.List.of(write, read, request, accept)) {
          assertThat(f.get()).isInstanceOf(IllegalStateException.class)
              .hasMessageContaining("I/O thread");
        }
      }
    }
  }

  interface Call {
    Object run() throws Exception;
  }

  private static Throwable caught(Call call) {
    try {
      call.run();
      return null;
    } catch (Throwable t) {
      return t;
    }
  }
}
