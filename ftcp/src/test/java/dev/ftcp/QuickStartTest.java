package dev.ftcp;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The README's quick-start sample compiles and runs as printed (source-launcher mode). */
@Timeout(120)
class QuickStartTest {

  @Test
  void theReadmeSampleCompilesAndRuns(@TempDir Path dir) throws Exception {
    String readme = Files.readString(Path.of("..", "README.md"), StandardCharsets.UTF_8);
    Matcher m = Pattern.compile("<!-- quickstart[^>]*-->\\s*```java\\n(.*?)```", Pattern.DOTALL)
        .matcher(readme);
    assertThat(m.find()).as("README.md has a quickstart java block").isTrue();
    Path source = dir.resolve("QuickStart.java");
    Files.writeString(source, m.group(1));

    String classpath = System.getProperty("java.class.path") + File.pathSeparator
        + System.getProperty("jdk.module.path", "");
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    Process p = new ProcessBuilder(java.toString(), "-cp", classpath, source.toString())
        .redirectErrorStream(true)
        .start();
    assertThat(p.waitFor(90, TimeUnit.SECONDS)).as("sample finished").isTrue();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.exitValue()).as(out).isZero();
    assertThat(out).contains("message 1 sent, reply: HELLO");
  }
}
