package dev.ftcp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ftcp.testing.TestCertificates;
import java.io.File;
import java.io.IOException;
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
 * Every block marked {@code <!-- sample: Name expect="..." -->} in README.md and in the pages
 * of docs/ compiles and runs as printed, in a JVM of its own (source-launcher mode), in a
 * directory holding the certificate files the TLS sample names, and prints what it expects.
 */
@Timeout(120)
class ReadmeSamplesTest {
  private static final String MARKER = "<!-- sample:";
  private static final Pattern SAMPLE = Pattern.compile(
      "<!-- sample: (\\w+) expect=\"([^\"]*)\"[^>]*-->\\s*```java\\n(.*?)```", Pattern.DOTALL);

  /** The pages searched for samples: the README, then every Markdown page of docs/. */
  static List<Path> pages() throws IOException {
    Path root = Path.of("..");
    List<Path> pages = new ArrayList<>();
    pages.add(root.resolve("README.md"));
    try (Stream<Path> docs = Files.list(root.resolve("docs"))) {
      docs.filter(p -> p.getFileName().toString().endsWith(".md")).sorted().forEach(pages::add);
    }
    return pages;
  }

  static Stream<Arguments> samples() throws Exception {
    Path root = Path.of("..");
    List<Arguments> found = new ArrayList<>();
    for (Path page : pages()) {
      String text = Files.readString(page, StandardCharsets.UTF_8);
      String where = root.relativize(page).toString().replace(File.separatorChar, '/');
      Matcher m = SAMPLE.matcher(text);
      int matched = 0;
      while (m.find()) {
        found.add(Arguments.of(where, m.group(1), m.group(2), m.group(3)));
        matched++;
      }
      // A marker the pattern misses (a typo, no java block after it) would skip its sample.
      assertThat(matched).as("samples read in " + where).isEqualTo(markers(text));
    }
    assertThat(found).extracting(a -> a.get()[1]).contains("QuickStart", "TlsExample");
    return found.stream();
  }

  private static int markers(String text) {
    int n = 0;
    for (int i = text.indexOf(MARKER); i >= 0; i = text.indexOf(MARKER, i + 1)) {
      n++;
    }
    return n;
  }

  @ParameterizedTest(name = "{0}: {1}")
  @MethodSource("samples")
  void theSampleCompilesAndRuns(
      String page, String name, String expected, String code, @TempDir Path dir)
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
