package dev.ftcp.redial;

import dev.ftcp.Options;
import dev.ftcp.TlsConfig;
import dev.ftcp.testing.TestCertificates;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.stream.Stream;

/**
 * How the redial tests' client and server talk: the one place that makes their {@link Options},
 * so every test runs over each transport without being copied. The fault proxy forwards bytes
 * and does not care what they are.
 *
 * <p>Both run by default, so CI proves redial over TLS too (issue "TLS");
 * {@code -Dftcp.redial.transports=TCP} runs plain TCP only, for a quicker local run. The soak test
 * ({@code dev.ftcp.soak}) takes its transport from here too.
 */
public enum Transport {
  TCP {
    @Override
    public Options.Builder server() {
      return Options.builder();
    }

    @Override
    public Options.Builder client() {
      return Options.builder();
    }
  },

  /** TLS with the test CA; the client verifies the server's certificate for 127.0.0.1. */
  TLS {
    @Override
    public Options.Builder server() {
      TestCertificates certs = Certificates.CERTS;
      return Options.builder().tls(
          TlsConfig.server(certs.server.certPem, certs.server.keyPem).build());
    }

    @Override
    public Options.Builder client() {
      return Options.builder().tls(TlsConfig.client().trustPem(Certificates.CERTS.caPem).build());
    }

    @Override
    public boolean encrypted() {
      return true;
    }
  };

  /** The transports to run, from {@code -Dftcp.redial.transports} (default: TCP,TLS). */
  static Stream<Transport> enabled() {
    return Arrays.stream(System.getProperty("ftcp.redial.transports", "TCP,TLS").split(","))
        .map(String::trim).filter(s -> !s.isEmpty()).map(Transport::valueOf);
  }

  /** Settings of the listener; a test adds its own (big frames, ...) to both sides alike. */
  public abstract Options.Builder server();

  /** Settings of a dialing client. */
  public abstract Options.Builder client();

  /** Whether the bytes on the wire are not the frames themselves. */
  public boolean encrypted() {
    return false;
  }

  /** Made once per test JVM, on first use, in a directory removed when the JVM exits. */
  private static final class Certificates {
    static final TestCertificates CERTS = generate();

    private static TestCertificates generate() {
      try {
        Path dir = Files.createTempDirectory("ftcp-redial-certs");
        TestCertificates certs = TestCertificates.generate(dir);
        try (Stream<Path> files = Files.walk(dir)) {
          files.forEach(f -> f.toFile().deleteOnExit()); // files are deleted before their dir
        }
        return certs;
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }
}
