package dev.ftcp.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ftcp.testing.StderrCapture;
import dev.ftcp.testing.TestCertificates;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The TLS flags of listen, send and request, with certificates made for the test. */
@Timeout(60)
class TlsCommandsTest {
  @TempDir static Path dir;
  private static TestCertificates certs;

  @BeforeAll
  static void makeCertificates() {
    certs = TestCertificates.generate(dir);
  }

  @Test
  void requestVerifiesTheServerAgainstTheGivenCa() throws Exception {
    Cli listen = Cli.listen("--echo", "--tls-cert", str(certs.server.certPem),
        "--tls-key", str(certs.server.keyPem));
    assertThat(listen.out()).contains("(TLS), echoing");
    Cli request = new Cli();
    assertThat(request.run("request", listen.address(), "secret", "--ca", str(certs.caPem)))
        .as(request.err()).isZero();
    assertThat(request.out()).isEqualTo("secret\n");

    Cli send = new Cli();
    assertThat(send.run("send", listen.address(), "also secret", "--ca", str(certs.caPem)))
        .as(send.err()).isZero();
    assertThat(listen.stop()).isZero();
  }

  @Test
  void anUntrustedServerIsAFailedOperation() throws Exception {
    Cli listen = Cli.listen("--echo", "--tls-cert", str(certs.server.certPem),
        "--tls-key", str(certs.server.keyPem));
    Cli request = new Cli();
    // --tls alone trusts the system's roots, which did not sign this test CA.
    assertThat(request.run("request", listen.address(), "hi", "--tls")).isEqualTo(1);
    assertThat(request.err().lines()).as(request.err()).hasSize(1).first().asString()
        .startsWith("ftcp request: ").contains("not trusted");

    Cli insecure = new Cli();
    String log = StderrCapture.of(() -> assertThat(
        insecure.run("request", listen.address(), "hi", "--insecure")).as(insecure.err()).isZero());
    assertThat(insecure.out()).isEqualTo("hi\n");
    // The library warns, through the command's logger, that nothing is verified.
    assertThat(log).contains("WARN").contains("does NOT verify the server's certificate")
        .contains("insecureSkipVerify");
    assertThat(listen.stop()).isZero();
  }

  @Test
  void mutualTlsNeedsTheClientCertificate() throws Exception {
    Cli listen = Cli.listen("--echo", "--tls-cert", str(certs.server.certPem),
        "--tls-key", str(certs.server.keyPem), "--client-ca", str(certs.caPem));
    assertThat(listen.out()).contains("(TLS, client certificates required), echoing");

    Cli withCert = new Cli();
    assertThat(withCert.run("request", listen.address(), "it is me", "--ca", str(certs.caPem),
        "--cert", str(certs.client.certPem), "--key", str(certs.client.keyPem)))
        .as(withCert.err()).isZero();
    assertThat(withCert.out()).isEqualTo("it is me\n");

    Cli without = new Cli();
    assertThat(without.run("request", listen.address(), "let me in", "--ca", str(certs.caPem),
        "--timeout", "1s")).isEqualTo(1);
    // TLS 1.3: the client finishes its handshake before the server refuses it, so the refusal
    // shows as silence, explained by why the link broke.
    assertThat(without.err().lines()).as(without.err()).hasSize(1).first().asString()
        .startsWith("ftcp request: no reply from ")
        .contains("the connection broke meanwhile: ").contains("client certificate");
    assertThat(listen.stop()).isZero();
  }

  private static String str(Path p) {
    return p.toString();
  }
}
