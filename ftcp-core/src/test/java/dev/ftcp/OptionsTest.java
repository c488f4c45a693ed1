package dev.ftcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ftcp.internal.Defaults;
import java.time.Duration;
import java.util.concurrent.Executor;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The settings' defaults are those of PROTOCOL.md §3.2, and a bad value is refused with its name
 * and value.
 */
@Timeout(10)
class OptionsTest {
  private static final int LARGEST_FRAME_LENGTH = Integer.MAX_VALUE - 8;

  @Test
  void defaultsAreTheSpecs() {
    Options o = Options.defaults();

    assertThat(o.writeQueueDepth()).isEqualTo(1000);
    assertThat(o.redialBackoff()).isEqualTo(Duration.ofMillis(20));
    assertThat(o.redialTimeout()).isEqualTo(Duration.ofSeconds(60));
    assertThat(o.maxRedialBackoff()).isEqualTo(Duration.ofSeconds(2));
    assertThat(o.readerBufferDepth()).isEqualTo(1000);
    assertThat(o.bigFrames()).isFalse();
    assertThat(o.maxFrameLength()).isEqualTo(65535);
    assertThat(o.maxPayloadLength()).isEqualTo(65519);
    assertThat(o.closeLinger()).isEqualTo(Duration.ofSeconds(2));
    assertThat(o.writeTimeout()).isEqualTo(Duration.ofSeconds(30));
    assertThat(o.idleTimeout()).as("off").isEqualTo(Duration.ZERO);
    assertThat(o.maxConnections()).as("unlimited").isEqualTo(Integer.MAX_VALUE);
    assertThat(o.acceptQueueDepth()).isEqualTo(1024);
    assertThat(o.connectTimeout()).isEqualTo(Duration.ofSeconds(10));
    assertThat(o.keepAlive()).isTrue();
    assertThat(o.tls()).as("plain TCP").isNull();
    assertThat(o.stateListener()).isNotNull();
    assertThat(o.callbackExecutor()).isNotNull();
  }

  @Test
  void aFreshBuilderBuildsTheDefaults() {
    assertThat(Options.builder().build()).usingRecursiveComparison().isEqualTo(Options.defaults());
  }

  @Test
  void bigFramesRaiseTheDefaultLimitTo16MiB() {
    Options o = Options.builder().bigFrames(true).build();

    assertThat(o.maxFrameLength())
        .isEqualTo(16 * 1024 * 1024)
        .isEqualTo(Options.DEFAULT_BIG_FRAME_LENGTH);
    assertThat(o.maxPayloadLength()).isEqualTo(16 * 1024 * 1024 - 16);
  }

  @Test
  void ftcpConstantsAreTheDefaults() {
    assertThat(Ftcp.DEFAULT_WRITE_QUEUE_DEPTH).isEqualTo(1000);
    assertThat(Ftcp.DEFAULT_REDIAL_BACKOFF).isEqualTo(Duration.ofMillis(20));
    assertThat(Ftcp.DEFAULT_REDIAL_TIMEOUT).isEqualTo(Duration.ofSeconds(60));
    assertThat(Options.MAX_SMALL_FRAME_LENGTH).isEqualTo(65535);
    assertThat(Options.defaults().writeQueueDepth()).isEqualTo(Ftcp.DEFAULT_WRITE_QUEUE_DEPTH);
    assertThat(Options.defaults().redialBackoff()).isEqualTo(Ftcp.DEFAULT_REDIAL_BACKOFF);
    assertThat(Options.defaults().redialTimeout()).isEqualTo(Ftcp.DEFAULT_REDIAL_TIMEOUT);
  }

  @Test
  void everyDefaultIsTheHoldersValue() {
    Options o = Options.defaults();

    assertThat(o.redialTimeout()).isEqualTo(Defaults.REDIAL_TIMEOUT);
    assertThat(o.redialBackoff()).isEqualTo(Defaults.REDIAL_BACKOFF);
    assertThat(o.maxRedialBackoff()).isEqualTo(Defaults.MAX_REDIAL_BACKOFF);
    assertThat(o.writeQueueDepth()).isEqualTo(Defaults.WRITE_QUEUE_DEPTH);
    assertThat(o.readerBufferDepth()).isEqualTo(Defaults.READER_BUFFER_DEPTH);
    assertThat(o.bigFrames()).isEqualTo(Defaults.BIG_FRAMES);
    assertThat(o.maxFrameLength()).isEqualTo(Options.MAX_SMALL_FRAME_LENGTH);
    assertThat(Options.DEFAULT_BIG_FRAME_LENGTH).isEqualTo(Defaults.BIG_FRAME_LENGTH);
    assertThat(o.closeLinger()).isEqualTo(Defaults.CLOSE_LINGER);
    assertThat(o.writeTimeout()).isEqualTo(Defaults.WRITE_TIMEOUT);
    assertThat(o.idleTimeout()).isEqualTo(Defaults.IDLE_TIMEOUT);
    assertThat(o.connectTimeout()).isEqualTo(Defaults.CONNECT_TIMEOUT);
    assertThat(o.maxConnections()).isEqualTo(Defaults.MAX_CONNECTIONS);
    assertThat(o.acceptQueueDepth()).isEqualTo(Defaults.ACCEPT_QUEUE_DEPTH);
    assertThat(o.keepAlive()).isEqualTo(Defaults.KEEP_ALIVE);
    assertThat(TlsConfig.DEFAULT_HANDSHAKE_TIMEOUT)
        .isEqualTo(Defaults.HANDSHAKE_TIMEOUT)
        .isEqualTo(Duration.ofSeconds(10));
    assertThat(Ftcp.DEFAULT_WRITE_QUEUE_DEPTH).isEqualTo(Defaults.WRITE_QUEUE_DEPTH);
    assertThat(Ftcp.DEFAULT_REDIAL_BACKOFF).isEqualTo(Defaults.REDIAL_BACKOFF);
    assertThat(Ftcp.DEFAULT_REDIAL_TIMEOUT).isEqualTo(Defaults.REDIAL_TIMEOUT);
    assertThat(Defaults.IO_THREADS_PROPERTY).isEqualTo("dev.ftcp.ioThreads");
    assertThat(Defaults.CALLBACK_THREADS_PROPERTY).isEqualTo("dev.ftcp.callbackThreads");
    assertThat(Defaults.callbackThreads()).isGreaterThanOrEqualTo(2);
  }

  static Stream<Arguments> badValues() {
    Duration negative = Duration.ofMillis(-1);
    return Stream.of(
        bad("writeQueueDepth", 0, b -> b.writeQueueDepth(0)),
        bad("writeQueueDepth", -1, b -> b.writeQueueDepth(-1)),
        bad("readerBufferDepth", 0, b -> b.readerBufferDepth(0)),
        bad("maxConnections", 0, b -> b.maxConnections(0)),
        bad("acceptQueueDepth", 0, b -> b.acceptQueueDepth(0)),
        bad("maxFrameLength", 15, b -> b.maxFrameLength(15)),
        bad("maxFrameLength", -1, b -> b.maxFrameLength(-1)),
        bad("maxFrameLength", LARGEST_FRAME_LENGTH + 1,
            b -> b.bigFrames(true).maxFrameLength(LARGEST_FRAME_LENGTH + 1)),
        bad("maxFrameLength", Integer.MAX_VALUE,
            b -> b.bigFrames(true).maxFrameLength(Integer.MAX_VALUE)),
        bad("redialTimeout", Duration.ZERO, b -> b.redialTimeout(Duration.ZERO)),
        bad("redialTimeout", negative, b -> b.redialTimeout(negative)),
        bad("redialBackoff", Duration.ZERO, b -> b.redialBackoff(Duration.ZERO)),
        bad("maxRedialBackoff", negative, b -> b.maxRedialBackoff(negative)),
        bad("connectTimeout", Duration.ZERO, b -> b.connectTimeout(Duration.ZERO)),
        bad("closeLinger", negative, b -> b.closeLinger(negative)),
        bad("writeTimeout", negative, b -> b.writeTimeout(negative)),
        bad("idleTimeout", negative, b -> b.idleTimeout(negative)));
  }

  private static Arguments bad(String setting, Object value, Consumer<Options.Builder> set) {
    return Arguments.of(setting, value, set);
  }

  @ParameterizedTest(name = "{0} = {1}")
  @MethodSource("badValues")
  void badValueIsRefusedNamingTheSettingAndTheValue(
      String setting, Object value, Consumer<Options.Builder> set) {
    assertThatThrownBy(() -> set.accept(Options.builder()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(setting)
        .hasMessageContaining(String.valueOf(value));
  }

  @Test
  void nullIsRefusedNamingTheSetting() {
    Options.Builder b = Options.builder();

    assertThatThrownBy(() -> b.redialTimeout(null)).hasMessageContaining("redialTimeout");
    assertThatThrownBy(() -> b.closeLinger(null)).hasMessageContaining("closeLinger");
    assertThatThrownBy(() -> b.stateListener(null)).hasMessageContaining("stateListener");
    assertThatThrownBy(() -> b.callbackExecutor(null)).hasMessageContaining("callbackExecutor");
  }

  @Test
  void zeroTurnsOffWhatItCanTurnOff() {
    Options o = Options.builder()
        .closeLinger(Duration.ZERO)
        .writeTimeout(Duration.ZERO)
        .idleTimeout(Duration.ZERO)
        .build();

    assertThat(o.closeLinger()).isZero();
    assertThat(o.writeTimeout()).isZero();
    assertThat(o.idleTimeout()).isZero();
  }

  @Test
  void maxRedialBackoffShorterThanRedialBackoffIsRefusedAtBuild() {
    Options.Builder b = Options.builder()
        .redialBackoff(Duration.ofMillis(500))
        .maxRedialBackoff(Duration.ofMillis(100));

    assertThatThrownBy(b::build)
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("maxRedialBackoff (PT0.1S)")
        .hasMessageContaining("redialBackoff (PT0.5S)");
  }

  @Test
  void frameLimitAbove65535NeedsBigFrames() {
    assertThatThrownBy(() -> Options.builder().maxFrameLength(65536).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("maxFrameLength 65536")
        .hasMessageContaining("bigFrames");

    assertThat(Options.builder().maxFrameLength(65535).build().maxFrameLength()).isEqualTo(65535);
    assertThat(Options.builder().maxFrameLength(16).build().maxPayloadLength()).isZero();
    assertThat(Options.builder().bigFrames(true).maxFrameLength(65536).build().maxFrameLength())
        .isEqualTo(65536);
  }

  @Test
  void frameLimitStopsWhereJavaArraysDo() {
    Options o = Options.builder().bigFrames(true).maxFrameLength(LARGEST_FRAME_LENGTH).build();

    assertThat(o.maxFrameLength()).isEqualTo(LARGEST_FRAME_LENGTH);
    // The frame and its 4-byte prefix still fit one array.
    assertThat((long) o.maxFrameLength() + 4).isLessThanOrEqualTo(Integer.MAX_VALUE - 4);
  }

  @Test
  void toBuilderKeepsEverySetting() {
    Executor executor = Runnable::run;
    ConnStateListener listener = new ConnStateListener() {};
    Options o = Options.builder()
        .redialTimeout(Duration.ofSeconds(5))
        .redialBackoff(Duration.ofMillis(7))
        .maxRedialBackoff(Duration.ofMillis(70))
        .writeQueueDepth(3)
        .readerBufferDepth(4)
        .bigFrames(true)
        .maxFrameLength(1 << 20)
        .closeLinger(Duration.ofMillis(9))
        .writeTimeout(Duration.ofMillis(10))
        .idleTimeout(Duration.ofMillis(11))
        .connectTimeout(Duration.ofMillis(12))
        .maxConnections(13)
        .acceptQueueDepth(14)
        .keepAlive(false)
        .stateListener(listener)
        .callbackExecutor(executor)
        .build();

    assertThat(o.toBuilder().build()).usingRecursiveComparison().isEqualTo(o);
  }

  @Test
  void toBuilderDerivesTheFrameLimitAgainWhenItWasNotSet() {
    // The limit was derived from bigFrames, so changing bigFrames must derive it again.
    assertThat(Options.defaults().toBuilder().bigFrames(true).build().maxFrameLength())
        .isEqualTo(Options.DEFAULT_BIG_FRAME_LENGTH);
    assertThat(Options.builder().bigFrames(true).build().toBuilder().bigFrames(false).build()
        .maxFrameLength())
        .isEqualTo(65535);
    // A limit that was set stays set.
    assertThat(Options.builder().maxFrameLength(1000).build().toBuilder().bigFrames(true).build()
        .maxFrameLength())
        .isEqualTo(1000);
  }

  @Test
  void builtOptionsDoNotChangeWithTheirBuilder() {
    Options.Builder b = Options.builder().writeQueueDepth(5);
    Options o = b.build();

    b.writeQueueDepth(6).bigFrames(true);

    assertThat(o.writeQueueDepth()).isEqualTo(5);
    assertThat(o.bigFrames()).isFalse();
    assertThat(o.maxFrameLength()).isEqualTo(65535);
  }
}
