package dev.ftcp.internal.tls;

import java.security.cert.CertPathBuilderException;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * A peer's certificate failed verification, with the reason in words: what {@link
 * ExplainingTrustManager} throws in place of the JDK's message, keeping that as the cause. {@link
 * HandshakeFailure} finds it in the cause chain of the handshake's exception, for either
 * provider: Netty's OpenSSL engine keeps what the trust manager threw as a cause too.
 */
final class CertificateRejected extends CertificateException {
  private static final long serialVersionUID = 1L;

  /** Why a certificate was not accepted. */
  enum Reason {
    /** Not issued (directly or through the chain sent) by a CA the verifying side trusts. */
    UNTRUSTED,
    /** Valid, but not for the name that was dialed. */
    NAME_MISMATCH,
    EXPIRED,
    NOT_YET_VALID,
    /** Anything else the validator says (revoked, weak algorithm, bad extension...). */
    OTHER
  }

  final Reason reason;

  private CertificateRejected(String message, Reason reason, Throwable cause) {
    super(message, cause);
    this.reason = reason;
  }

  /**
   * Explains {@code e}, which a trust manager threw for {@code chain}.
   *
   * @param role "server" or "client": whose certificate it is
   * @param name the name the client dialed, or null (server side, or unknown)
   */
  static CertificateRejected of(
      CertificateException e, X509Certificate[] chain, String role, String name) {
    Reason reason = classify(e);
    X509Certificate leaf = chain != null && chain.length > 0 ? chain[0] : null;
    String subject =
        role + " certificate" + (leaf == null ? "" : " \"" + leaf.getSubjectX500Principal() + "\"");
    String text;
    switch (reason) {
      case UNTRUSTED:
        text =
            subject
                + (leaf == null ? "" : " issued by \"" + leaf.getIssuerX500Principal() + "\"")
                + " is not trusted: no CA in "
                + (role.equals("server")
                    ? "the client's trust store (trustPem, trustStore or the system's)"
                    : "the server's requireClientAuth file")
                + " issued it";
        break;
      case NAME_MISMATCH:
        text =
            "host name mismatch: the "
                + subject
                + " is for "
                + (leaf == null ? "other names" : names(leaf))
                + ", not for "
                + (name == null ? "the name that was dialed" : "\"" + name + "\"");
        break;
      case EXPIRED:
        X509Certificate expired = firstInvalid(chain, leaf);
        if (expired == null) {
          text = subject + " has expired";
        } else if (expired == leaf) {
          text = subject + " expired on " + leaf.getNotAfter().toInstant();
        } else {
          text = subject + " is no longer valid: its issuer \"" + expired.getSubjectX500Principal()
              + "\" expired on " + expired.getNotAfter().toInstant();
        }
        break;
      case NOT_YET_VALID:
        text =
            subject
                + " is not valid yet"
                + (leaf == null ? "" : ": from " + leaf.getNotBefore().toInstant());
        break;
      case OTHER:
      default:
        text = subject + " was rejected: " + e.getMessage();
        break;
    }
    return new CertificateRejected(text, reason, e);
  }

  /** The reason a JDK validator's exception stands for, looking through its causes. */
  static Reason classify(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof CertificateRejected) {
        return ((CertificateRejected) t).reason;
      }
      if (t instanceof CertificateExpiredException) {
        return Reason.EXPIRED;
      }
      if (t instanceof CertificateNotYetValidException) {
        return Reason.NOT_YET_VALID;
      }
      if (t instanceof CertPathValidatorException) {
        CertPathValidatorException.Reason r = ((CertPathValidatorException) t).getReason();
        if (r == CertPathValidatorException.BasicReason.EXPIRED) {
          return Reason.EXPIRED;
        } else if (r == CertPathValidatorException.BasicReason.NOT_YET_VALID) {
          return Reason.NOT_YET_VALID;
        }
      }
      if (t instanceof CertPathBuilderException) {
        // sun.security.provider.certpath.SunCertPathBuilderException: "unable to find valid
        // certification path to requested target", i.e. no trusted root reached
        return Reason.UNTRUSTED;
      }
      String m = t.getMessage();
      if (m != null
          && (m.startsWith("No subject alternative") || m.startsWith("No name matching"))) {
        return Reason.NAME_MISMATCH; // sun.security.util.HostnameChecker
      }
    }
    return Reason.OTHER;
  }

  private static X509Certificate firstInvalid(X509Certificate[] chain, X509Certificate leaf) {
    if (chain != null) {
      for (X509Certificate c : chain) {
        try {
          c.checkValidity();
        } catch (CertificateExpiredException | CertificateNotYetValidException e) {
          return c;
        }
      }
    }
    return leaf;
  }

  /** The DNS names and IP addresses a certificate is for. */
  private static String names(X509Certificate cert) {
    List<String> names = new ArrayList<>();
    try {
      Collection<List<?>> sans = cert.getSubjectAlternativeNames();
      if (sans != null) {
        for (List<?> san : sans) {
          Object type = san.get(0);
          if (Integer.valueOf(2).equals(type) || Integer.valueOf(7).equals(type)) { // DNS, IP
            names.add(String.valueOf(san.get(1)));
          }
        }
      }
    } catch (CertificateParsingException e) {
      // fall through: say what we can
    }
    return names.isEmpty() ? "no DNS name or IP address" : names.toString();
  }
}
