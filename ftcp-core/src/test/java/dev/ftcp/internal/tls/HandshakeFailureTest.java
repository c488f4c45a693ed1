package dev.ftcp.internal.tls;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.handler.codec.DecoderException;
import io.netty.handler.ssl.NotSslRecordException;
import io.netty.handler.ssl.SslHandshakeTimeoutException;
import java.io.IOException;
import java.nio.channels.ClosedChannelException;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateExpiredException;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@link TlsHandlers#describeHandshakeFailure} on the exceptions each provider really throws
 * (messages copied from runs of {@link TlsHandshakeTest}), without a network: every branch of
 * the explanation, including the ones a loopback test cannot reach on demand.
 */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class HandshakeFailureTest {

  @Test
  void keepsTheOriginalAsCauseAndNamesThePeer() {
    SSLHandshakeException original = new SSLHandshakeException("Received fatal alert: x");

    IOException e = TlsHandlers.describeHandshakeFailure(original, "db.example:9443");

    assertThat(e).isInstanceOf(SSLHandshakeException.class).hasCause(original);
    assertThat(e.getMessage()).startsWith("TLS handshake with db.example:9443 failed: ");
  }

  @Test
  void describingTwiceChangesNothing() {
    IOException once = TlsHandlers.describeHandshakeFailure(new ClosedChannelException(), "p");

    assertThat(TlsHandlers.describeHandshakeFailure(once, "p")).isSameAs(once);
  }

  @Test
  void alertsInTheJdksWordsAndBoringSslsAreReadAlike() {
    String jdk = explain(new DecoderException(
        new SSLHandshakeException("Received fatal alert: certificate_required")));
    String openSsl = explain(new DecoderException(new SSLException(
        "error:1000045c:SSL routines:OPENSSL_internal:TLSV1_ALERT_CERTIFICATE_REQUIRED")));

    assertThat(jdk).isEqualTo(openSsl).startsWith("client certificate missing")
        .contains("keyPairPem");
  }

  @Test
  void eachAlertSaysWhatItMeans() {
    assertThat(explain(alert("bad_certificate"))).contains("rejected our certificate, or the lack");
    assertThat(explain(alert("certificate_unknown")))
        .contains("the peer rejected our certificate").contains("does not trust the CA");
    assertThat(explain(openSslAlert("SSLV3_ALERT_CERTIFICATE_UNKNOWN")))
        .isEqualTo(explain(alert("certificate_unknown")));
    assertThat(explain(alert("unknown_ca"))).contains("does not trust the CA");
    assertThat(explain(openSslAlert("SSLV3_ALERT_CERTIFICATE_EXPIRED"))).contains("as expired");
    assertThat(explain(openSslAlert("TLSV1_ALERT_INTERNAL_ERROR")))
        .contains("aborted the handshake").contains("see the peer's log");
    assertThat(explain(alert("protocol_version"))).contains("TLS 1.3 and 1.2 only");
    assertThat(explain(alert("handshake_failure"))).contains("no TLS version or cipher suite");
    assertThat(explain(alert("unrecognized_name"))).contains("SNI");
    assertThat(explain(alert("decode_error"))).contains("alert decode_error");
  }

  @Test
  void serverSideMissingClientCertificateInBothProvidersWords() {
    assertThat(explain(new SSLHandshakeException("Empty client certificate chain")))
        .startsWith("client certificate missing: this server requires one (requireClientAuth)");
    assertThat(explain(new SSLHandshakeException(
            "error:100000c0:SSL routines:OPENSSL_internal:PEER_DID_NOT_RETURN_A_CERTIFICATE")))
        .startsWith("client certificate missing: this server requires one");
  }

  @Test
  void validatorExceptionsFromAnApplicationsTrustManagerAreRead() {
    // What the JDK throws through a wrapped SSLContext, where our trust manager is not in play.
    CertPathValidatorException expired = new CertPathValidatorException("validity check failed",
        new CertificateExpiredException("NotAfter: Tue Nov 24 13:27:35 UTC 2026"), null, -1,
        CertPathValidatorException.BasicReason.EXPIRED);
    SSLHandshakeException pkix = new SSLHandshakeException("PKIX path validation failed");
    pkix.initCause(expired);
    SSLHandshakeException name =
        new SSLHandshakeException("No subject alternative DNS name matching localhost found.");
    name.initCause(new CertificateException(
        "No subject alternative DNS name matching localhost found."));
    SSLHandshakeException untrusted = new SSLHandshakeException("PKIX path building failed");
    untrusted.initCause(new java.security.cert.CertPathBuilderException(
        "unable to find valid certification path to requested target"));

    assertThat(explain(pkix)).startsWith("the peer's certificate has expired (NotAfter: ");
    assertThat(explain(name)).startsWith("host name mismatch")
        .contains("matching localhost");
    assertThat(explain(untrusted)).startsWith("the peer's certificate is not trusted");
  }

  @Test
  void ourTrustManagersExplanationWinsOverTheWrapper() {
    CertificateRejected rejected = CertificateRejected.of(
        new CertificateException("No name matching db found"), null, "server", "db");
    SSLHandshakeException openSsl = new SSLHandshakeException("General OpenSslEngine problem");
    openSsl.initCause(rejected);

    assertThat(rejected.reason).isEqualTo(CertificateRejected.Reason.NAME_MISMATCH);
    assertThat(explain(openSsl)).isEqualTo(rejected.getMessage())
        .startsWith("host name mismatch").contains("not for \"db\"");
  }

  @Test
  void notTlsTimeoutAndCloseAreNamed() {
    assertThat(explain(new DecoderException(new NotSslRecordException("not an SSL/TLS record"))))
        .startsWith("the peer does not speak TLS");
    assertThat(explain(new SslHandshakeTimeoutException("handshake timed out after 10000ms")))
        .startsWith("no TLS answer in time (handshake timed out after 10000ms)")
        .contains("plain TCP port?");
    assertThat(explain(new ClosedChannelException()))
        .startsWith("the peer closed the connection during the handshake");
    assertThat(explain(new IOException("Connection reset by peer")))
        .startsWith("the peer closed the connection during the handshake");
  }

  @Test
  void anythingElseKeepsItsOwnMessage() {
    assertThat(explain(new SSLException("something new", new IOException("root cause"))))
        .isEqualTo("root cause");
  }

  private static String explain(Throwable t) {
    String m = TlsHandlers.describeHandshakeFailure(t, "P").getMessage();
    assertThat(m).startsWith("TLS handshake with P failed: ");
    return m.substring("TLS handshake with P failed: ".length());
  }

  private static Throwable alert(String name) {
    return new DecoderException(new SSLHandshakeException("Received fatal alert: " + name));
  }

  private static Throwable openSslAlert(String code) {
    return new SSLHandshakeException("error:10000416:SSL routines:OPENSSL_internal:" + code);
  }
}
