package dev.ftcp.internal.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ftcp.testing.TestCertificates;
import dev.ftcp.testing.TestCertificates.Identity;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.RSAPrivateCrtKey;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@link Pem}: every key format OpenSSL and Java write, and a clear error for each bad file. */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class PemTest {
  @TempDir static Path dir;
  static TestCertificates certs;

  @BeforeAll
  static void setUp() {
    certs = TestCertificates.generate(dir);
  }

  @Test
  void readsPkcs8EcKey() throws Exception {
    PrivateKey key = Pem.readPrivateKey(certs.server.keyPem, "key");

    assertThat(((ECPrivateKey) key).getS())
        .isEqualTo(((ECPrivateKey) certs.server.privateKey).getS());
    assertSignsFor(key, certs.server.certificate);
  }

  @Test
  void readsPkcs8RsaKey() throws Exception {
    PrivateKey key = Pem.readPrivateKey(certs.serverRsa.keyPem, "key");

    assertSameRsaKey(key, certs.serverRsa);
  }

  @Test
  void readsPkcs1RsaKeyAsOpenSslWritesIt() throws Exception {
    assertThat(Files.readString(certs.serverRsaPkcs1.keyPem))
        .startsWith("-----BEGIN RSA PRIVATE KEY-----");

    PrivateKey key = Pem.readPrivateKey(certs.serverRsaPkcs1.keyPem, "key");

    assertSameRsaKey(key, certs.serverRsaPkcs1);
  }

  @Test
  void readsSec1EcKeyAfterItsEcParametersBlockAsOpenSslWritesIt() throws Exception {
    assertThat(Files.readString(certs.serverEcSec1.keyPem))
        .startsWith("-----BEGIN EC PARAMETERS-----")
        .contains("-----BEGIN EC PRIVATE KEY-----");

    PrivateKey key = Pem.readPrivateKey(certs.serverEcSec1.keyPem, "key");

    assertThat(((ECPrivateKey) key).getS())
        .isEqualTo(((ECPrivateKey) certs.server.privateKey).getS());
    assertSignsFor(key, certs.serverEcSec1.certificate);
  }

  @Test
  void readsKeysWithWindowsLineEndings() throws Exception {
    Path crlf = dir.resolve("crlf.key");
    Files.writeString(crlf,
        Files.readString(certs.serverRsaPkcs1.keyPem).replace("\n", "\r\n"));

    assertSameRsaKey(Pem.readPrivateKey(crlf, "key"), certs.serverRsaPkcs1);
  }

  @Test
  void readsEveryCertificateOfAChainInOrder() throws Exception {
    Path chain = dir.resolve("chain.pem");
    Files.writeString(chain, Files.readString(certs.server.certPem) + "\n"
        + Files.readString(certs.caPem));

    List<X509Certificate> read = Pem.readCertificates(chain, "chain");

    assertThat(read).containsExactly(certs.server.certificate, certs.caCertificate);
  }

  @Test
  void missingFileIsNamed() {
    Path missing = dir.resolve("nope.pem");

    assertThatThrownBy(() -> Pem.readCertificates(missing, "certificate chain"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("certificate chain " + missing + " does not exist");
    assertThatThrownBy(() -> Pem.readPrivateKey(missing, "private key"))
        .hasMessage("private key " + missing + " does not exist");
  }

  @Test
  void fileWithoutCertificateIsNamed() {
    assertThatThrownBy(() -> Pem.readCertificates(certs.server.keyPem, "trustPem"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("trustPem " + certs.server.keyPem)
        .hasMessageContaining("holds no PEM certificate");
  }

  @Test
  void fileWithoutKeyIsNamed() {
    assertThatThrownBy(() -> Pem.readPrivateKey(certs.server.certPem, "private key"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(certs.server.certPem.toString())
        .hasMessageContaining("holds no PEM private key");
  }

  @Test
  void encryptedKeysAreRefusedWithHowToDecrypt() throws Exception {
    Path pkcs8 = write("enc8.key", "-----BEGIN ENCRYPTED PRIVATE KEY-----\nMAA=\n"
        + "-----END ENCRYPTED PRIVATE KEY-----\n");
    Path legacy = write("enc1.key", "-----BEGIN RSA PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\n"
        + "DEK-Info: AES-128-CBC,00000000000000000000000000000000\n\nMAA=\n"
        + "-----END RSA PRIVATE KEY-----\n");

    assertThatThrownBy(() -> Pem.readPrivateKey(pkcs8, "private key"))
        .hasMessageContaining(pkcs8 + " is encrypted").hasMessageContaining("openssl pkey");
    assertThatThrownBy(() -> Pem.readPrivateKey(legacy, "private key"))
        .hasMessageContaining(legacy + " is encrypted");
  }

  @Test
  void garbageInsideAPemBlockIsNamed() throws Exception {
    Path badBase64 = write("bad64.key",
        "-----BEGIN PRIVATE KEY-----\n!!!not base64!!!\n-----END PRIVATE KEY-----\n");
    Path truncated = write("trunc.key", "-----BEGIN PRIVATE KEY-----\n"
        + Base64.getEncoder().encodeToString(new byte[] {0x30, 0x10, 0x02, 0x01, 0x00})
        + "\n-----END PRIVATE KEY-----\n");
    Path badCert = write("bad.pem",
        "-----BEGIN CERTIFICATE-----\nMAA=\n-----END CERTIFICATE-----\n");

    assertThatThrownBy(() -> Pem.readPrivateKey(badBase64, "private key"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(badBase64 + ": bad base64");
    assertThatThrownBy(() -> Pem.readPrivateKey(truncated, "private key"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(truncated + ": the private key does not parse");
    assertThatThrownBy(() -> Pem.readCertificates(badCert, "trustPem"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(badCert + ": certificate 1 does not parse");
  }

  @Test
  void ecKeyWithoutItsCurveIsRefused() throws Exception {
    // SEC1 { version 1, privateKey OCTET STRING } and nothing else: no curve to wrap it with.
    byte[] sec1 = {0x30, 0x07, 0x02, 0x01, 0x01, 0x04, 0x02, 0x01, 0x02};
    Path noCurve = write("nocurve.key", "-----BEGIN EC PRIVATE KEY-----\n"
        + Base64.getEncoder().encodeToString(sec1) + "\n-----END EC PRIVATE KEY-----\n");

    assertThatThrownBy(() -> Pem.readPrivateKey(noCurve, "private key"))
        .hasMessageContaining(noCurve + ": the EC private key does not name its curve");
  }

  @Test
  void unsupportedKeyFormatIsNamed() throws Exception {
    Path openssh = write("id.key",
        "-----BEGIN OPENSSH PRIVATE KEY-----\nMAA=\n-----END OPENSSH PRIVATE KEY-----\n");

    assertThatThrownBy(() -> Pem.readPrivateKey(openssh, "private key"))
        .hasMessageContaining("unsupported key format \"OPENSSH PRIVATE KEY\"");
  }

  private static Path write(String name, String text) throws Exception {
    Path p = dir.resolve(name);
    Files.writeString(p, text, StandardCharsets.US_ASCII);
    return p;
  }

  private static void assertSameRsaKey(PrivateKey key, Identity id) throws Exception {
    RSAPrivateCrtKey expected = (RSAPrivateCrtKey) id.privateKey;
    RSAPrivateCrtKey actual = (RSAPrivateCrtKey) key;
    assertThat(actual.getModulus()).isEqualTo(expected.getModulus());
    assertThat(actual.getPrivateExponent()).isEqualTo(expected.getPrivateExponent());
    assertThat(actual.getCrtCoefficient()).isEqualTo(expected.getCrtCoefficient());
    assertSignsFor(key, id.certificate);
  }

  /** The key is usable and is the one the certificate certifies. */
  private static void assertSignsFor(PrivateKey key, X509Certificate cert) throws Exception {
    String alg = key.getAlgorithm().equals("RSA") ? "SHA256withRSA" : "SHA256withECDSA";
    Signature s = Signature.getInstance(alg);
    s.initSign(key);
    s.update(new byte[] {1, 2, 3});
    byte[] sig = s.sign();
    Signature v = Signature.getInstance(alg);
    v.initVerify(cert.getPublicKey());
    v.update(new byte[] {1, 2, 3});
    assertThat(v.verify(sig)).isTrue();
  }
}
