package dev.ftcp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ftcp.testing.TestCertificates;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every README block marked {@code <!-- sample: Name expect="..." -->} compiles and runs as
 * printed, in a JVM of its own (source-launcher mode), in a directory holding the certificate
 * files the TLS sample names.
 */
@Timeout(120)
class ReadmeSamplesTest {
  private static final Pattern SAMPLE = Pattern.compile(
      "<!-- sample: (\\w+) expect=\"([^\"]*)\"[^>]*-->\\s*```java\\n(.*?)```", Pattern.DOTALL);

  static Stream<Arguments> samples() throws Exception {
    String readme = Files.readString(Path.of("..", "README.md"), StandardCharsets.UTF_8);
    Matcher m = SAMPLE.matcher(readme);
    List<Arguments> found = new ArrayList<>();
    while (m.find()) {
      found.add(Arguments.of(m.group(1), m.group(2), m.group(3)));
    }
    assertThat(found).extracting(a -> a.get()[0]).contains("QuickStart", "TlsExample");
    return found.stream();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("samples")
  void theSampleCompilesAndRuns(String name, String expected, String code, @TempDir Path dir)
      throws Exception {
    TestCertificates certs = TestCertificates.generate(Files.createDirectories(dir.resolve("certs")));
    Files.copy(certs.caPem, dir.resolve("ca.pem"));
    Files.copy(certs.server.certPem, dir.resolve("server.pem"));
    Files.copy(certs.server.keyPem, dir.resolve("server-key.pem"));
    Files.copy(certs.client.certPem, dir.resolve("client.pem"));
    Files.copy(certs.client.keyPem, dir.resolve("client-key.pem"));
    Path source = dir.resolve(name + ".java");
    Files.writeString(source, code);

    String classpath = System.getProperty("java.class.path") + File.pathSeparator
        + System.getProperty("jdk.module.path", "");
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    Process p = new ProcessBuilder(java.toString(), "-cp", classpath, source.toString())
        .directory(dir.toFile())
        .redirectErrorStream(true)
        .start();
    boolean finished = p.waitFor(90, TimeUnit.SECONDS);
    if (!finished) {
      p.destroyForcibly();
    }
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(finished).as("sample finished in time: " + out).isTrue();
    assertThat(p.exitValue()).as(out).isZero();
    assertThat(out).contains(expected);
  }
}
