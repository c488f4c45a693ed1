package dev.ftcp.internal.tls;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads certificates and private keys from PEM files, with the JDK alone (BouncyCastle is not a
 * dependency of the library).
 *
 * <p>Keys may be PKCS#8 ({@code BEGIN PRIVATE KEY}) or in the "traditional" forms OpenSSL writes
 * by default: PKCS#1 ({@code BEGIN RSA PRIVATE KEY}) and SEC1 ({@code BEGIN EC PRIVATE KEY}). The
 * JDK's {@link KeyFactory} only reads PKCS#8, so the other two are wrapped in a PKCS#8 structure
 * first, which is all the difference there is between them. Every failure is an {@link
 * IllegalArgumentException} whose message names the file, because these run when a {@code
 * TlsConfig} is built and the user has to know which file to fix.
 *
 * <p>Stateless and thread-safe.
 */
final class Pem {
  private Pem() {}

  // One PEM block: its label, optional RFC 1421 headers (Proc-Type...), and base64 body.
  private static final Pattern BLOCK =
      Pattern.compile(
          "-----BEGIN ([A-Z0-9 ]+)-----\\s*(.*?)-----END \\1-----", Pattern.DOTALL);

  private static final byte[] OID_RSA = oid(0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x01, 0x01);
  private static final byte[] OID_RSA_PSS =
      oid(0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x01, 0x0A);
  private static final byte[] OID_EC = oid(0x2A, 0x86, 0x48, 0xCE, 0x3D, 0x02, 0x01);
  private static final byte[] OID_DSA = oid(0x2A, 0x86, 0x48, 0xCE, 0x38, 0x04, 0x01);
  private static final byte[] OID_ED25519 = oid(0x2B, 0x65, 0x70);
  private static final byte[] OID_ED448 = oid(0x2B, 0x65, 0x71);

  /** The certificates in a PEM file, in file order (leaf first for a chain). */
  static List<X509Certificate> readCertificates(Path file, String what) {
    String text = readText(file, what);
    List<X509Certificate> certs = new ArrayList<>();
    CertificateFactory factory;
    try {
      factory = CertificateFactory.getInstance("X.509");
    } catch (CertificateException e) {
      throw new IllegalStateException("the JDK has no X.509 certificate factory", e);
    }
    Matcher m = BLOCK.matcher(text);
    while (m.find()) {
      if (!m.group(1).equals("CERTIFICATE")) {
        continue; // a chain file may also hold the key or parameters; only certificates count here
      }
      byte[] der = decodeBody(m.group(2), file, what);
      try {
        certs.add((X509Certificate) factory.generateCertificate(new ByteArrayInputStream(der)));
      } catch (CertificateException | ClassCastException e) {
        throw new IllegalArgumentException(
            what + " " + file + ": certificate " + (certs.size() + 1) + " does not parse: " + e, e);
      }
    }
    if (certs.isEmpty()) {
      throw new IllegalArgumentException(
          what + " " + file + " holds no PEM certificate (-----BEGIN CERTIFICATE-----)");
    }
    return certs;
  }

  /** The first private key in a PEM file: PKCS#8, PKCS#1 (RSA) or SEC1 (EC), unencrypted. */
  static PrivateKey readPrivateKey(Path file, String what) {
    String text = readText(file, what);
    Matcher m = BLOCK.matcher(text);
    while (m.find()) {
      String label = m.group(1);
      if (!label.endsWith("PRIVATE KEY")) {
        continue; // e.g. the "EC PARAMETERS" block that "openssl ecparam -genkey" writes first
      }
      if (label.equals("ENCRYPTED PRIVATE KEY") || m.group(2).contains("ENCRYPTED")) {
        throw new IllegalArgumentException(
            what + " " + file + " is encrypted; ftcp reads unencrypted keys only"
                + " (decrypt it with: openssl pkey -in KEY -out PLAIN)");
      }
      byte[] der = decodeBody(m.group(2), file, what);
      switch (label) {
        case "PRIVATE KEY":
          return pkcs8(der, file, what);
        case "RSA PRIVATE KEY":
          return pkcs8(wrapPkcs1(der), file, what);
        case "EC PRIVATE KEY":
          return pkcs8(wrapSec1(der, file, what), file, what);
        default:
          throw new IllegalArgumentException(
              what + " " + file + ": unsupported key format \"" + label
                  + "\" (use PKCS#8 \"PRIVATE KEY\", \"RSA PRIVATE KEY\" or \"EC PRIVATE KEY\")");
      }
    }
    throw new IllegalArgumentException(
        what + " " + file + " holds no PEM private key (-----BEGIN ... PRIVATE KEY-----)");
  }

  private static String readText(Path file, String what) {
    try {
      // Latin-1 maps every byte to one char: comments in a CA bundle may be UTF-8, and the PEM
      // blocks themselves are ASCII either way.
      return new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1);
    } catch (NoSuchFileException e) {
      throw new IllegalArgumentException(what + " " + file + " does not exist", e);
    } catch (IOException | SecurityException e) {
      throw new IllegalArgumentException(what + " " + file + " cannot be read: " + e, e);
    }
  }

  private static byte[] decodeBody(String body, Path file, String what) {
    // RFC 1421 header lines ("Proc-Type: ...") may precede the base64; base64 has no ':'.
    String base64 = body.replaceAll("(?m)^[^\\r\\n]*:[^\\r\\n]*$", "");
    try {
      return Base64.getMimeDecoder().decode(base64);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(what + " " + file + ": bad base64 in a PEM block", e);
    }
  }

  private static PrivateKey pkcs8(byte[] der, Path file, String what) {
    String algorithm;
    try {
      algorithm = pkcs8Algorithm(der);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          what + " " + file + ": the private key does not parse: " + e.getMessage(), e);
    }
    try {
      return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException(
          what + " " + file + ": the " + algorithm + " private key does not parse: " + e, e);
    }
  }

  /** The JCA name of a PKCS#8 key's algorithm, from the OID in its AlgorithmIdentifier. */
  private static String pkcs8Algorithm(byte[] der) {
    // PrivateKeyInfo ::= SEQUENCE { version INTEGER, algorithm SEQUENCE { OID, params }, key }
    Der info = new Der(der).enter(0x30);
    info.skip(0x02);
    byte[] oid = info.enter(0x30).read(0x06);
    if (Arrays.equals(oid, OID_RSA)) {
      return "RSA";
    } else if (Arrays.equals(oid, OID_RSA_PSS)) {
      return "RSASSA-PSS";
    } else if (Arrays.equals(oid, OID_EC)) {
      return "EC";
    } else if (Arrays.equals(oid, OID_DSA)) {
      return "DSA";
    } else if (Arrays.equals(oid, OID_ED25519)) {
      return "Ed25519";
    } else if (Arrays.equals(oid, OID_ED448)) {
      return "Ed448";
    }
    throw new IllegalArgumentException("unknown key algorithm (OID bytes " + hex(oid) + ")");
  }

  /** PKCS#1 RSAPrivateKey to PKCS#8: algorithm rsaEncryption with NULL parameters. */
  static byte[] wrapPkcs1(byte[] pkcs1) {
    byte[] algorithm = Der.tlv(0x30, concat(Der.tlv(0x06, OID_RSA), Der.tlv(0x05, new byte[0])));
    return Der.tlv(0x30, concat(Der.tlv(0x02, new byte[] {0}), algorithm, Der.tlv(0x04, pkcs1)));
  }

  /** SEC1 ECPrivateKey to PKCS#8: algorithm ecPublicKey with the named curve it carries. */
  private static byte[] wrapSec1(byte[] sec1, Path file, String what) {
    // ECPrivateKey ::= SEQUENCE { version 1, privateKey OCTET STRING,
    //                             [0] parameters OPTIONAL, [1] publicKey OPTIONAL }
    byte[] curve = null;
    try {
      Der key = new Der(sec1).enter(0x30);
      key.skip(0x02);
      key.skip(0x04);
      while (key.hasMore() && curve == null) {
        if (key.peekTag() == 0xA0) {
          Der params = key.enter(0xA0);
          if (params.peekTag() != 0x06) {
            throw new IllegalArgumentException(
                "explicit curve parameters are not supported, only named curves");
          }
          curve = params.read(0x06);
        } else {
          key.skip(key.peekTag());
        }
      }
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          what + " " + file + ": the EC private key does not parse: " + e.getMessage(), e);
    }
    if (curve == null) {
      throw new IllegalArgumentException(
          what + " " + file + ": the EC private key does not name its curve");
    }
    byte[] algorithm = Der.tlv(0x30, concat(Der.tlv(0x06, OID_EC), Der.tlv(0x06, curve)));
    return Der.tlv(0x30, concat(Der.tlv(0x02, new byte[] {0}), algorithm, Der.tlv(0x04, sec1)));
  }

  private static byte[] oid(int... bytes) {
    byte[] b = new byte[bytes.length];
    for (int i = 0; i < bytes.length; i++) {
      b[i] = (byte) bytes[i];
    }
    return b;
  }

  private static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] p : parts) {
      out.writeBytes(p);
    }
    return out.toByteArray();
  }

  private static String hex(byte[] b) {
    StringBuilder s = new StringBuilder();
    for (byte x : b) {
      s.append(String.format("%02x", x & 0xFF));
    }
    return s.toString();
  }

  /**
   * Just enough DER to find an algorithm OID and a curve, and to build PKCS#8. Definite lengths
   * only, as DER requires. Throws {@link IllegalArgumentException} on anything malformed.
   */
  static final class Der {
    private final byte[] buf;
    private int pos;
    private final int end;

    Der(byte[] buf) {
      this(buf, 0, buf.length);
    }

    private Der(byte[] buf, int start, int end) {
      this.buf = buf;
      this.pos = start;
      this.end = end;
    }

    boolean hasMore() {
      return pos < end;
    }

    int peekTag() {
      if (pos >= end) {
        throw new IllegalArgumentException("DER ends early");
      }
      return buf[pos] & 0xFF;
    }

    /** The contents of the next element, which must have this tag, as a reader. */
    Der enter(int tag) {
      int[] span = next(tag);
      return new Der(buf, span[0], span[1]);
    }

    /** The contents of the next element, which must have this tag. */
    byte[] read(int tag) {
      int[] span = next(tag);
      return Arrays.copyOfRange(buf, span[0], span[1]);
    }

    void skip(int tag) {
      next(tag);
    }

    private int[] next(int tag) {
      int actual = peekTag();
      if (actual != tag) {
        throw new IllegalArgumentException(
            String.format("DER: expected tag 0x%02x, found 0x%02x", tag, actual));
      }
      pos++;
      if (pos >= end) {
        throw new IllegalArgumentException("DER ends early");
      }
      int first = buf[pos++] & 0xFF;
      long length;
      if (first < 0x80) {
        length = first;
      } else {
        int count = first & 0x7F;
        if (count == 0 || count > 4 || pos + count > end) {
          throw new IllegalArgumentException("DER: bad length");
        }
        length = 0;
        for (int i = 0; i < count; i++) {
          length = (length << 8) | (buf[pos++] & 0xFF);
        }
      }
      if (length > end - pos) {
        throw new IllegalArgumentException("DER: element longer than its container");
      }
      int start = pos;
      pos += (int) length;
      return new int[] {start, pos};
    }

    /** One DER element: tag, definite length, contents. */
    static byte[] tlv(int tag, byte[] contents) {
      ByteArrayOutputStream out = new ByteArrayOutputStream(contents.length + 6);
      out.write(tag);
      int n = contents.length;
      if (n < 0x80) {
        out.write(n);
      } else if (n < 0x100) {
        out.write(0x81);
        out.write(n);
      } else if (n < 0x10000) {
        out.write(0x82);
        out.write(n >>> 8);
        out.write(n);
      } else {
        out.write(0x83);
        out.write(n >>> 16);
        out.write(n >>> 8);
        out.write(n);
      }
      out.writeBytes(contents);
      return out.toByteArray();
    }
  }
}
