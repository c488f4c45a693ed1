package dev.ftcp.cli;

import java.io.IOException;
import java.io.Writer;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.concurrent.atomic.AtomicLong;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.util.io.pem.PemObject;

/**
 * PEM files for the TLS flags, made at test time: a CA, a server certificate for 127.0.0.1 and
 * localhost, and a client certificate, all signed by the CA, with EC P-256 keys in PKCS#8.
 * BouncyCastle only builds and writes the structures; the JDK makes keys and signatures.
 */
final class Certificates {
  private static final AtomicLong SERIALS = new AtomicLong(System.currentTimeMillis());

  final Path caPem;
  final Path serverCertPem;
  final Path serverKeyPem;
  final Path clientCertPem;
  final Path clientKeyPem;

  private Certificates(Path dir) throws IOException, GeneralSecurityException,
      OperatorCreationException {
    Instant from = Instant.now().minus(Duration.ofDays(1));
    Instant until = Instant.now().plus(Duration.ofDays(30));
    X500Name caName = new X500Name("CN=ftcp-cli test CA");
    KeyPair caKeys = keyPair();
    X509v3CertificateBuilder ca = new JcaX509v3CertificateBuilder(caName, serial(),
        Date.from(from), Date.from(until), caName, caKeys.getPublic())
        .addExtension(Extension.basicConstraints, true, new BasicConstraints(true))
        .addExtension(Extension.keyUsage, true,
            new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
    X509Certificate caCert = sign(ca, caKeys);
    caPem = write(dir.resolve("ca.pem"), caCert);

    KeyPair serverKeys = keyPair();
    X509v3CertificateBuilder server = new JcaX509v3CertificateBuilder(caName, serial(),
        Date.from(from), Date.from(until), new X500Name("CN=127.0.0.1"), serverKeys.getPublic())
        .addExtension(Extension.subjectAlternativeName, false, new GeneralNames(new GeneralName[] {
          new GeneralName(GeneralName.iPAddress, "127.0.0.1"),
          new GeneralName(GeneralName.dNSName, "localhost")}))
        .addExtension(Extension.extendedKeyUsage, false,
            new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth));
    serverCertPem = write(dir.resolve("server.pem"), sign(server, caKeys), caCert);
    serverKeyPem = writeKey(dir.resolve("server-key.pem"), serverKeys);

    KeyPair clientKeys = keyPair();
    X509v3CertificateBuilder client = new JcaX509v3CertificateBuilder(caName, serial(),
        Date.from(from), Date.from(until), new X500Name("CN=ftcp-cli test client"),
        clientKeys.getPublic())
        .addExtension(Extension.extendedKeyUsage, false,
            new ExtendedKeyUsage(KeyPurposeId.id_kp_clientAuth));
    clientCertPem = write(dir.resolve("client.pem"), sign(client, caKeys), caCert);
    clientKeyPem = writeKey(dir.resolve("client-key.pem"), clientKeys);
  }

  /** Makes the files in {@code dir}. */
  static Certificates generate(Path dir) throws Exception {
    return new Certificates(dir);
  }

  private static KeyPair keyPair() throws GeneralSecurityException {
    KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
    g.initialize(new ECGenParameterSpec("secp256r1"));
    return g.generateKeyPair();
  }

  private static BigInteger serial() {
    return BigInteger.valueOf(SERIALS.incrementAndGet());
  }

  private static X509Certificate sign(X509v3CertificateBuilder b, KeyPair issuer)
      throws GeneralSecurityException, OperatorCreationException {
    return new JcaX509CertificateConverter().getCertificate(
        b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(issuer.getPrivate())));
  }

  private static Path write(Path file, X509Certificate... chain) throws IOException {
    try (Writer w = Files.newBufferedWriter(file, StandardCharsets.US_ASCII);
        JcaPEMWriter pem = new JcaPEMWriter(w)) {
      for (X509Certificate c : chain) {
        pem.writeObject(c);
      }
    }
    return file;
  }

  private static Path writeKey(Path file, KeyPair keys) throws IOException {
    try (Writer w = Files.newBufferedWriter(file, StandardCharsets.US_ASCII);
        JcaPEMWriter pem = new JcaPEMWriter(w)) {
      pem.writeObject(new PemObject("PRIVATE KEY", keys.getPrivate().getEncoded()));
    }
    return file;
  }
}
