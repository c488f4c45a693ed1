package dev.ftcp.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine.TypeConversionException;

@Timeout(5)
class DurationConverterTest {

  @ParameterizedTest
  @CsvSource({
    "2s, 2000000000",
    "500ms, 500000000",
    "1.5s, 1500000000",
    "250us, 250000",
    "250µs, 250000",
    "7ns, 7",
    "1m, 60000000000",
    "1h, 3600000000000",
    "' 3 S ', 3000000000",
    "PT2S, 2000000000",
  })
  void readsWhatPeopleType(String text, long nanos) {
    assertThat(DurationConverter.parse(text)).isEqualTo(Duration.ofNanos(nanos));
  }

  @ParameterizedTest
  @ValueSource(strings = {"2", "", "s", "2 seconds", "-1s", "1.s", "P"})
  void refusesAmbiguousOrMalformed(String text) {
    assertThatThrownBy(() -> DurationConverter.parse(text))
        .isInstanceOf(TypeConversionException.class)
        .hasMessageContaining("'" + text + "'");
  }

  @Test
  void formatsShortlyInAscii() {
    assertThat(DurationConverter.formatNanos(950)).isEqualTo("950 ns");
    assertThat(DurationConverter.formatNanos(18_250)).isEqualTo("18.3 us");
    assertThat(DurationConverter.formatNanos(2_340_000)).isEqualTo("2.3 ms");
    assertThat(DurationConverter.formatNanos(1_500_000_000)).isEqualTo("1.50 s");
    assertThat(DurationConverter.format(Duration.ofMinutes(2))).isEqualTo("2.0 min");
  }
}
