package dev.ftcp.internal.tls;

import io.netty.handler.ssl.NotSslRecordException;
import io.netty.handler.ssl.SslHandshakeTimeoutException;
import java.io.IOException;
import java.nio.channels.ClosedChannelException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLHandshakeException;

/**
 * Turns what a failed handshake threw into a sentence naming the problem. The two providers say
 * the same thing differently (the JDK: "Received fatal alert: bad_certificate"; BoringSSL:
 * "SSLV3_ALERT_BAD_CERTIFICATE"), and neither says what to do; this reads both.
 *
 * <p>Stateless and thread-safe.
 */
final class HandshakeFailure {
  private HandshakeFailure() {}

  // JDK: "Received fatal alert: certificate_required"
  private static final Pattern JDK_ALERT = Pattern.compile("Received fatal alert: (\\w+)");
  // BoringSSL: "error:1000045c:SSL routines:OPENSSL_internal:TLSV1_ALERT_CERTIFICATE_REQUIRED"
  private static final Pattern OPENSSL_ALERT = Pattern.compile("(?:SSLV3|TLSV1)_ALERT_(\\w+)");

  /** A handshake failure explained; the original is the cause. */
  static final class Described extends SSLHandshakeException {
    private static final long serialVersionUID = 1L;

    Described(String message, Throwable cause) {
      super(message);
      initCause(cause);
    }
  }

  static IOException describe(Throwable cause, String peer) {
    if (cause instanceof Described) {
      return (Described) cause; // already explained, e.g. by a handler closer to the socket
    }
    return new Described("TLS handshake with " + peer + " failed: " + explain(cause), cause);
  }

  static String explain(Throwable cause) {
    // 1. Our own trust manager said exactly which certificate and why.
    for (Throwable t = cause; t != null; t = t.getCause()) {
      if (t instanceof CertificateRejected) {
        return t.getMessage();
      }
    }
    // 2. An application's SSLContext: the JDK's validator exceptions, read the same way.
    switch (CertificateRejected.classify(cause)) {
      case UNTRUSTED:
        return "the peer's certificate is not trusted: no CA in our trust store issued it ("
            + rootMessage(cause) + ")";
      case NAME_MISMATCH:
        return "host name mismatch: the peer's certificate is not for the name that was dialed ("
            + rootMessage(cause) + ")";
      case EXPIRED:
        return "the peer's certificate has expired (" + rootMessage(cause) + ")";
      case NOT_YET_VALID:
        return "the peer's certificate is not valid yet (" + rootMessage(cause) + ")";
      case OTHER:
      default:
        break;
    }
    for (Throwable t = cause; t != null; t = t.getCause()) {
      if (t instanceof SslHandshakeTimeoutException) {
        return "no TLS answer in time (" + t.getMessage() + "): the peer may not speak TLS"
            + " (a plain TCP port?), or it is not responding";
      }
      if (t instanceof NotSslRecordException) {
        return "the peer does not speak TLS: it sent bytes that are not a TLS record"
            + " (plain TCP on one side, TLS on the other?)";
      }
    }
    for (Throwable t = cause; t != null; t = t.getCause()) {
      String m = t.getMessage();
      if (m == null) {
        continue;
      }
      if (m.contains("Empty client certificate chain")
          || m.contains("PEER_DID_NOT_RETURN_A_CERTIFICATE")) {
        return "client certificate missing: this server requires one (requireClientAuth), and the"
            + " client sent none issued by a CA the server trusts";
      }
      String alert = alert(m);
      if (alert != null) {
        return explainAlert(alert);
      }
    }
    for (Throwable t = cause; t != null; t = t.getCause()) {
      String m = t.getMessage();
      if (t instanceof ClosedChannelException
          || (m != null && (m.contains("Connection reset") || m.contains("closed")))) {
        return "the peer closed the connection during the handshake: it may not speak TLS"
            + " (a plain TCP port?), or it refused this connection";
      }
    }
    return String.valueOf(rootMessage(cause));
  }

  /** The alert a peer sent, lower case as in RFC 8446 ("bad_certificate"), or null. */
  static String alert(String message) {
    Matcher m = JDK_ALERT.matcher(message);
    if (m.find()) {
      return m.group(1).toLowerCase(Locale.ROOT);
    }
    m = OPENSSL_ALERT.matcher(message);
    if (m.find()) {
      return m.group(1).toLowerCase(Locale.ROOT);
    }
    return null;
  }

  private static String explainAlert(String alert) {
    String sent = " (the peer sent alert " + alert + ")";
    switch (alert) {
      case "certificate_required":
        return "client certificate missing: the server requires one" + sent + "; set keyPairPem"
            + " with a certificate from a CA the server trusts";
      case "bad_certificate":
        return "the peer rejected our certificate, or the lack of one" + sent + ": a server that"
            + " requires client certificates says this when the client sends none it trusts";
      case "certificate_unknown":
      case "unknown_ca":
      case "unsupported_certificate":
      case "access_denied":
        return "the peer rejected our certificate" + sent + ": it does not trust the CA that issued"
            + " it, or the certificate is not for the name the peer dialed";
      case "certificate_expired":
        return "the peer rejected our certificate as expired" + sent;
      case "certificate_revoked":
        return "the peer rejected our certificate as revoked" + sent;
      case "internal_error":
        return "the peer aborted the handshake" + sent + "; a Netty OpenSSL peer says this when it"
            + " rejects our certificate: see the peer's log";
      case "handshake_failure":
      case "insufficient_security":
      case "protocol_version":
        return "the peer shares no TLS version or cipher suite with us" + sent
            + "; ftcp speaks TLS 1.3 and 1.2 only";
      case "unrecognized_name":
        return "the peer has no certificate for the name we sent (SNI)" + sent;
      default:
        return "the peer aborted the handshake" + sent;
    }
  }

  private static String rootMessage(Throwable t) {
    Throwable root = t;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    return root.getMessage() != null ? root.getMessage() : root.toString();
  }
}
