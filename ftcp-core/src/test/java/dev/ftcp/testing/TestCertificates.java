package dev.ftcp.testing;

import java.io.IOException;
import java.io.OutputStream;
import java.io.StringWriter;
import java.io.Writer;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.RSAPrivateKey;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.util.io.pem.PemObject;
import org.bouncycastle.util.io.pem.PemWriter;

/**
 * Certificates and keys made at test time, written as PEM files (and one PKCS#12 KeyStore) into
 * a directory: a CA; servers for localhost/127.0.0.1/::1 with RSA and EC keys, for another name,
 * and an expired one; clients signed by the CA and by a stranger CA.
 *
 * <p>BouncyCastle only builds and writes the structures; the JDK's own providers make the keys
 * and signatures, so nothing here changes what the code under test finds installed.
 *
 * <p>Generating takes a fraction of a second; make one per test class ({@link #generate(Path)}
 * into a {@code @TempDir}). Immutable once made; thread-safe.
 */
public final class TestCertificates {
  /** Password of {@link #serverKeyStore} and of its key entry. */
  public static final char[] KEYSTORE_PASSWORD = "changeit".toCharArray();

  /** The name the {@link #otherName} server certificate is for. */
  public static final String OTHER_NAME = "other.example";

  private static final AtomicLong SERIALS = new AtomicLong(System.currentTimeMillis());

  static {
    // Surefire runs the tests inside module dev.ftcp and puts BouncyCastle on the module path
    // (netty-handler names it as an optional module), but dev.ftcp does not read it: this class
    // may not link against it until it does. A module may add reads edges for itself, so do it
    // here, before any BouncyCastle type is touched, rather than in every build's surefire
    // arguments. Class.forName does no readability check, unlike a class literal.
    Module self = TestCertificates.class.getModule();
    for (String cls : new String[] {
        "org.bouncycastle.asn1.x500.X500Name", // bcprov
        "org.bouncycastle.cert.X509v3CertificateBuilder", // bcpkix
        "org.bouncycastle.asn1.cms.ContentInfo"}) { // bcutil
      try {
        self.addReads(Class.forName(cls, false, TestCertificates.class.getClassLoader())
            .getModule());
      } catch (ClassNotFoundException e) {
        throw new ExceptionInInitializerError(e);
      }
    }
  }

  /** A certificate, its key, and where both were written. */
  public static final class Identity {
    /** PEM file holding the certificate chain, leaf first. */
    public final Path certPem;
    /** PEM file holding the private key, in the format its name says. */
    public final Path keyPem;

    public final X509Certificate certificate;
    public final PrivateKey privateKey;

    Identity(Path certPem, Path keyPem, X509Certificate certificate, PrivateKey privateKey) {
      this.certPem = certPem;
      this.keyPem = keyPem;
      this.certificate = certificate;
      this.privateKey = privateKey;
    }

    /** The same certificate with its key written in another format (another file). */
    Identity withKeyFile(Path keyPem) {
      return new Identity(certPem, keyPem, certificate, privateKey);
    }
  }

  /** The CA that signs every certificate below except {@link #strangerClient}'s. */
  public final Path caPem;

  public final X509Certificate caCertificate;

  /** A CA nobody trusts, which signed {@link #strangerClient}. */
  public final Path strangerCaPem;

  /** Where the files are. */
  public final Path dir;

  /** Server for localhost, 127.0.0.1 and ::1; EC P-256 key, PKCS#8 ("BEGIN PRIVATE KEY"). */
  public final Identity server;
  /** Server for localhost, 127.0.0.1 and ::1 with an RSA 2048 key, PKCS#8. */
  public final Identity serverRsa;
  /** {@link #serverRsa} with its key as OpenSSL writes it: "BEGIN RSA PRIVATE KEY" (PKCS#1). */
  public final Identity serverRsaPkcs1;
  /**
   * {@link #server} with its key as {@code openssl ecparam -genkey} writes it: an "EC PARAMETERS"
   * block, then "BEGIN EC PRIVATE KEY" (SEC1).
   */
  public final Identity serverEcSec1;
  /** Server certificate for {@link #OTHER_NAME} only. */
  public final Identity otherName;
  /** Server for localhost/127.0.0.1/::1 whose validity ended yesterday. */
  public final Identity expired;
  /** Client certificate signed by the CA. */
  public final Identity client;
  /** Client certificate signed by the stranger CA. */
  public final Identity strangerClient;
  /** PKCS#12 file holding {@link #server}'s key and chain under alias "server". */
  public final Path serverKeyStorePath;

  private TestCertificates(Path dir) throws IOException, GeneralSecurityException {
    this.dir = dir;
    Instant now = Instant.now();
    Instant from = now.minus(Duration.ofDays(1));
    Instant until = now.plus(Duration.ofDays(30));

    KeyPair caKeys = ec();
    caCertificate = ca("CN=ftcp test CA", caKeys, from, until);
    caPem = writePem(dir.resolve("ca.pem"), caCertificate);

    KeyPair strangerKeys = ec();
    X509Certificate strangerCa = ca("CN=ftcp stranger CA", strangerKeys, from, until);
    strangerCaPem = writePem(dir.resolve("stranger-ca.pem"), strangerCa);

    String[] local = {"localhost", "127.0.0.1", "::1"};
    server = leaf(dir, "server", "CN=localhost", local, ec(), true, from, until, caCertificate,
        caKeys);
    serverEcSec1 = server.withKeyFile(
        writeTraditional(dir.resolve("server-sec1.key"), server));
    serverRsa = leaf(dir, "server-rsa", "CN=localhost", local, rsa(), true, from, until,
        caCertificate, caKeys);
    serverRsaPkcs1 = serverRsa.withKeyFile(
        writeTraditional(dir.resolve("server-rsa-pkcs1.key"), serverRsa));
    otherName = leaf(dir, "other", "CN=" + OTHER_NAME, new String[] {OTHER_NAME}, ec(), true,
        from, until, caCertificate, caKeys);
    expired = leaf(dir, "expired", "CN=localhost", local, ec(), true,
        now.minus(Duration.ofDays(10)), now.minus(Duration.ofDays(1)), caCertificate, caKeys);
    client = leaf(dir, "client", "CN=ftcp test client", new String[0], ec(), false, from, until,
        caCertificate, caKeys);
    strangerClient = leaf(dir, "stranger-client", "CN=ftcp stranger client", new String[0], ec(),
        false, from, until, strangerCa, strangerKeys);

    serverKeyStorePath = dir.resolve("server.p12");
    KeyStore ks = KeyStore.getInstance("PKCS12");
    ks.load(null, null);
    ks.setKeyEntry("server", server.privateKey, KEYSTORE_PASSWORD,
        new X509Certificate[] {server.certificate, caCertificate});
    try (OutputStream out = Files.newOutputStream(serverKeyStorePath)) {
      ks.store(out, KEYSTORE_PASSWORD);
    }
  }

  /** Makes every certificate and key and writes them into {@code dir}. */
  public static TestCertificates generate(Path dir) {
    try {
      return new TestCertificates(dir);
    } catch (IOException | GeneralSecurityException e) {
      throw new IllegalStateException("cannot make test certificates", e);
    }
  }

  /** {@link #serverKeyStorePath}, loaded. */
  public KeyStore serverKeyStore() {
    return load(serverKeyStorePath);
  }

  /** A KeyStore trusting only the CA. */
  public KeyStore caTrustStore() {
    try {
      KeyStore ks = KeyStore.getInstance("PKCS12");
      ks.load(null, null);
      ks.setCertificateEntry("ca", caCertificate);
      return ks;
    } catch (IOException | GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private static KeyStore load(Path p12) {
    try {
      KeyStore ks = KeyStore.getInstance("PKCS12");
      try (var in = Files.newInputStream(p12)) {
        ks.load(in, KEYSTORE_PASSWORD);
      }
      return ks;
    } catch (IOException | GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private static KeyPair ec() throws GeneralSecurityException {
    KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
    g.initialize(new ECGenParameterSpec("secp256r1"), new SecureRandom());
    return g.generateKeyPair();
  }

  private static KeyPair rsa() throws GeneralSecurityException {
    KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
    g.initialize(2048, new SecureRandom());
    return g.generateKeyPair();
  }

  private static X509Certificate ca(String dn, KeyPair keys, Instant from, Instant until)
      throws IOException, GeneralSecurityException {
    X509v3CertificateBuilder b = builder(new X500Name(dn), new X500Name(dn), keys, from, until);
    JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
    b.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
    b.addExtension(Extension.keyUsage, true,
        new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign | KeyUsage.digitalSignature));
    b.addExtension(Extension.subjectKeyIdentifier, false,
        ext.createSubjectKeyIdentifier(keys.getPublic()));
    return sign(b, keys.getPrivate());
  }

  private static Identity leaf(Path dir, String name, String dn, String[] sans, KeyPair keys,
      boolean server, Instant from, Instant until, X509Certificate issuer, KeyPair issuerKeys)
      throws IOException, GeneralSecurityException {
    X509v3CertificateBuilder b = builder(
        X500Name.getInstance(issuer.getSubjectX500Principal().getEncoded()), new X500Name(dn),
        keys, from, until);
    JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
    b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
    boolean rsa = keys.getPublic().getAlgorithm().equals("RSA");
    b.addExtension(Extension.keyUsage, true, new KeyUsage(
        KeyUsage.digitalSignature | (rsa ? KeyUsage.keyEncipherment : 0)));
    b.addExtension(Extension.extendedKeyUsage, false,
        new ExtendedKeyUsage(server ? KeyPurposeId.id_kp_serverAuth : KeyPurposeId.id_kp_clientAuth));
    b.addExtension(Extension.subjectKeyIdentifier, false,
        ext.createSubjectKeyIdentifier(keys.getPublic()));
    b.addExtension(Extension.authorityKeyIdentifier, false,
        ext.createAuthorityKeyIdentifier(issuer));
    if (sans.length > 0) {
      List<GeneralName> names = new ArrayList<>();
      for (String san : sans) {
        boolean ip = san.indexOf(':') >= 0 || Character.isDigit(san.charAt(0));
        names.add(new GeneralName(ip ? GeneralName.iPAddress : GeneralName.dNSName, san));
      }
      b.addExtension(Extension.subjectAlternativeName, false,
          new GeneralNames(names.toArray(new GeneralName[0])));
    }
    X509Certificate cert = sign(b, issuerKeys.getPrivate());
    Path certPem = writePem(dir.resolve(name + ".pem"), cert);
    Path keyPem = dir.resolve(name + ".key");
    try (Writer w = Files.newBufferedWriter(keyPem, StandardCharsets.US_ASCII);
        JcaPEMWriter pem = new JcaPEMWriter(w)) {
      pem.writeObject(new JcaPKCS8Generator(keys.getPrivate(), null)); // "BEGIN PRIVATE KEY"
    }
    return new Identity(certPem, keyPem, cert, keys.getPrivate());
  }

  private static X509v3CertificateBuilder builder(X500Name issuer, X500Name subject, KeyPair keys,
      Instant from, Instant until) {
    return new JcaX509v3CertificateBuilder(issuer, BigInteger.valueOf(SERIALS.incrementAndGet()),
        Date.from(from), Date.from(until), subject, keys.getPublic());
  }

  private static X509Certificate sign(X509v3CertificateBuilder b, PrivateKey issuerKey)
      throws GeneralSecurityException {
    String alg = issuerKey.getAlgorithm().equals("RSA") ? "SHA256withRSA" : "SHA256withECDSA";
    try {
      return new JcaX509CertificateConverter().getCertificate(
          b.build(new JcaContentSignerBuilder(alg).build(issuerKey)));
    } catch (OperatorCreationException e) {
      throw new GeneralSecurityException(e);
    }
  }

  private static Path writePem(Path file, X509Certificate cert) throws IOException {
    try (Writer w = Files.newBufferedWriter(file, StandardCharsets.US_ASCII);
        JcaPEMWriter pem = new JcaPEMWriter(w)) {
      pem.writeObject(cert);
    }
    return file;
  }

  /**
   * The key as OpenSSL writes it in its traditional formats: "RSA PRIVATE KEY" (PKCS#1), or
   * "EC PRIVATE KEY" (SEC1, with the curve's OID and the public key inside, as OpenSSL always
   * includes them) after the "EC PARAMETERS" block that {@code openssl ecparam -genkey} puts
   * first.
   */
  private static Path writeTraditional(Path file, Identity id) throws IOException {
    PemObject pem;
    String prefix = "";
    if (id.privateKey instanceof RSAPrivateKey) {
      PrivateKeyInfo info = PrivateKeyInfo.getInstance(id.privateKey.getEncoded());
      pem = new PemObject("RSA PRIVATE KEY", info.parsePrivateKey().toASN1Primitive().getEncoded());
    } else {
      SubjectPublicKeyInfo spki =
          SubjectPublicKeyInfo.getInstance(id.certificate.getPublicKey().getEncoded());
      ASN1ObjectIdentifier curve =
          ASN1ObjectIdentifier.getInstance(spki.getAlgorithm().getParameters());
      org.bouncycastle.asn1.sec.ECPrivateKey sec1 = new org.bouncycastle.asn1.sec.ECPrivateKey(
          256, ((ECPrivateKey) id.privateKey).getS(), spki.getPublicKeyData(), curve);
      pem = new PemObject("EC PRIVATE KEY", sec1.getEncoded());
      prefix = "-----BEGIN EC PARAMETERS-----\n"
          + Base64.getEncoder().encodeToString(curve.getEncoded())
          + "\n-----END EC PARAMETERS-----\n";
    }
    StringWriter text = new StringWriter();
    try (PemWriter w = new PemWriter(text)) {
      w.writeObject(pem);
    }
    Files.writeString(file, prefix + text, StandardCharsets.US_ASCII);
    return file;
  }
}
