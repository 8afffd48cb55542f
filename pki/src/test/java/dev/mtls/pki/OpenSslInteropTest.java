package dev.mtls.pki;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mtls.pki.material.Identity;
import dev.mtls.pki.material.KeyMaterialException;
import dev.mtls.pki.material.KeyPairs;
import dev.mtls.pki.material.Pem;
import dev.mtls.pki.material.SubjectAltName;
import dev.mtls.testing.peers.ExternalProcess.Result;
import dev.mtls.testing.peers.Peer;
import dev.mtls.testing.peers.RequiresPeer;
import java.io.IOException;
import java.io.StringReader;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** OpenSSL 3 reads what pki writes, and pki reads what OpenSSL writes. */
class OpenSslInteropTest {
  private static final String PASSWORD = "interop-password";

  private static CertificateAuthority root;
  private static CertificateAuthority intermediate;
  private static IssuedCertificate server;
  private static IssuedCertificate client;
  private static IssuedCertificate revoked;

  @TempDir Path directory;

  @BeforeAll
  static void material() {
    root = CertificateAuthority.createRoot("CN=Interop Root,O=mtls-reference");
    intermediate = root.createIntermediate("CN=Interop Intermediate,O=mtls-reference");
    server = intermediate.issue(CertificateSpec.server("CN=localhost")
        .addSubjectAltName(SubjectAltName.dns("localhost"))
        .addSubjectAltName(SubjectAltName.ip("127.0.0.1"))
        .addSubjectAltName(SubjectAltName.ip("::1"))
        .build());
    client = intermediate.issue(CertificateSpec.client("CN=alice,OU=admins,O=mtls-reference").build());
    revoked = intermediate.issue(CertificateSpec.client("CN=mallory,OU=readers,O=mtls-reference").build());
  }

  @BeforeEach
  void files() throws IOException {
    write("root.pem", Pem.encode(root.certificate()));
    write("intermediate.pem", Pem.encode(intermediate.certificate()));
    write("server.pem", server.certificatePem());
    write("client.pem", client.certificatePem());
    write("revoked.pem", revoked.certificatePem());
    write("pw", PASSWORD + "\n");
  }

  @RequiresPeer(Peer.OPENSSL)
  @Test
  void openssl_reads_the_ocsp_responder_and_crl_distribution_point_urls() throws IOException {
    IssuedCertificate located = intermediate.withCrlDistributionPoint("http://127.0.0.1:8080/crl.pem")
        .withOcspResponder("http://127.0.0.1:8081/ocsp").issue(CertificateSpec.client("CN=dora").build());
    write("located.pem", located.certificatePem());

    Result uri = Peer.OPENSSL.run(directory, "x509", "-in", "located.pem", "-noout", "-ocsp_uri");
    Result text = Peer.OPENSSL.run(directory, "x509", "-in", "located.pem", "-noout", "-ext",
        "crlDistributionPoints,authorityInfoAccess");

    assertThat(uri.exitCode()).as(uri.output()).isZero();
    assertThat(uri.output().strip()).isEqualTo("http://127.0.0.1:8081/ocsp");
    assertThat(text.output()).contains("URI:http://127.0.0.1:8080/crl.pem", "OCSP - URI:http://127.0.0.1:8081/ocsp");
  }

  @RequiresPeer(Peer.OPENSSL)
  @Test
  void openssl_verifies_leaf_through_intermediate() {
    Result result = Peer.OPENSSL.run(directory, "verify", "-CAfile", "root.pem", "-untrusted", "intermediate.pem", "server.pem");

    assertThat(result.exitCode()).as(result.toString()).isZero();
    assertThat(result.output()).isEqualTo("server.pem: OK\n");
  }

  @RequiresPeer(Peer.OPENSSL)
  @Test
  void openssl_accepts_each_leaf_only_for_its_purpose() {
    Result serverAsServer = Peer.OPENSSL.run(directory, "verify", "-purpose", "sslserver", "-CAfile", "root.pem",
        "-untrusted", "intermediate.pem", "server.pem");
    Result clientAsClient = Peer.OPENSSL.run(directory, "verify", "-purpose", "sslclient", "-CAfile", "root.pem",
        "-untrusted", "intermediate.pem", "client.pem");
    Result clientAsServer = Peer.OPENSSL.run(directory, "verify", "-purpose", "sslserver", "-CAfile", "root.pem",
        "-untrusted", "intermediate.pem", "client.pem");

    assertThat(serverAsServer.exitCode()).as(serverAsServer.toString()).isZero();
    assertThat(clientAsClient.exitCode()).as(clientAsClient.toString()).isZero();
    assertThat(clientAsServer.exitCode()).as(clientAsServer.toString()).isNotZero();
    assertThat(clientAsServer.output()).contains("unsuitable certificate purpose");
  }

  @RequiresPeer(Peer.OPENSSL)
  @Test
  void openssl_refuses_leaf_without_the_intermediate() {
    Result result = Peer.OPENSSL.run(directory, "verify", "-CAfile", "root.pem", "server.pem");

    assertThat(result.exitCode()).isNotZero();
    assertThat(result.output()).contains("unable to get local issuer certificate");
  }

  @RequiresPeer(Peer.OPENSSL)
  @Test
  void openssl_crl_check_reports_the_revoked_certificate_and_accepts_the_others() throws IOException {
    write("crl.pem", Pem.encode(intermediate.crl(
        List.of(new Revocation(revoked.certificate().getSerialNumber(), Instant.now().minusSeconds(60),
            RevocationReason.KEY_COMPROMISE)),
        BigInteger.ONE, Instant.now().minusSeconds(60), Instant.now().plus(Duration.ofDays(7)))));

    Result revokedResult = Peer.OPENSSL.run(directory, "verify", "-crl_check", "-CRLfile", "crl.pem", "-CAfile", "root.pem",
        "-untrusted", "intermediate.pem", "revoked.pem");
    Result goodResult = Peer.OPENSSL.run(directory, "verify", "-crl_check", "-CRLfile", "crl.pem", "-CAfile", "root.pem",
        "-untrusted", "intermediate.pem", "client.pem");

    assertThat(revokedResult.exitCode()).as(revokedResult.toString()).isNotZero();
    assertThat(revokedResult.output()).contains("certificate revoked").contains("CN = mallory");
    assertThat(goodResult.exitCode()).as(goodResult.toString()).isZero();
    assertThat(goodResult.output()).isEqualTo("client.pem: OK\n");
  }

  @RequiresPeer(Peer.OPENSSL)
  @Test
  void openssl_reads_the_crl_fields() throws IOException {
    write("crl.pem", Pem.encode(intermediate.crl(
        List.of(new Revocation(revoked.certificate().getSerialNumber(), Instant.now(), RevocationReason.SUPERSEDED)),
        BigInteger.valueOf(7), Instant.now(), Instant.now().plus(Duration.ofDays(7)))));

    Result result = Peer.OPENSSL.run(directory, "crl", "-in", "crl.pem", "-noout", "-text");

    assertThat(result.exitCode()).as(result.toString()).isZero();
    assertThat(result.output())
        .contains("Version 2 (0x1)")
        .contains("X509v3 CRL Number: \n                7")
        .contains("X509v3 Authority Key Identifier:")
        .contains("Next Update:")
        .contains("Superseded")
        .contains(revoked.certificate().getSerialNumber().toString(16).toUpperCase());
  }

  @RequiresPeer(Peer.OPENSSL)
  @Test
  void openssl_reads_modern_p12_without_legacy_and_reports_aes_256_cbc() throws IOException {
    Files.write(directory.resolve("alice.p12"),
        Pkcs12.keyStore(client.identity(), PASSWORD.toCharArray(), "alice", Pkcs12.Profile.MODERN));

    Result result = Peer.OPENSSL.run(directory, "pkcs12", "-info", "-in", "alice.p12", "-passin", "file:pw", "-noout");

    assertThat(result.exitCode()).as(result.toString()).isZero();
    assertThat(result.output())
        .contains("MAC: sha256")
        .contains("PKCS7 Encrypted data: PBES2, PBKDF2, AES-256-CBC, Iteration 100000, PRF hmacWithSHA256")
        .contains("Shrouded Keybag: PBES2, PBKDF2, AES-256-CBC, Iteration 100000, PRF hmacWithSHA256")
        .doesNotContain("error");
  }

  @RequiresPeer(Peer.OPENSSL)
  @Test
  void openssl_reads_the_friendly_name_and_whole_chain_from_the_p12() throws IOException {
    Files.write(directory.resolve("alice.p12"),
        Pkcs12.keyStore(client.identity(), PASSWORD.toCharArray(), "alice", Pkcs12.Profile.MODERN));

    Result result = Peer.OPENSSL.run(directory, "pkcs12", "-in", "alice.p12", "-passin", "file:pw", "-nokeys");

    assertThat(result.exitCode()).as(result.toString()).isZero();
    assertThat(result.output()).contains("friendlyName: alice").contains("subject=O = mtls-reference, OU = admins, CN = alice")
        .contains("subject=O = mtls-reference, CN = Interop Intermediate");
  }

  @RequiresPeer(Peer.OPENSSL)
  @Test
  void openssl_reads_compat_p12_without_legacy_and_reports_3des() throws IOException {
    Files.write(directory.resolve("compat.p12"),
        Pkcs12.keyStore(client.identity(), PASSWORD.toCharArray(), "alice", Pkcs12.Profile.COMPAT));

    Result result = Peer.OPENSSL.run(directory, "pkcs12", "-info", "-in", "compat.p12", "-passin", "file:pw", "-noout");

    assertThat(result.exitCode()).as(result.toString()).isZero();
    assertThat(result.output())
        .contains("MAC: sha1")
        .contains("PKCS7 Encrypted data: pbeWithSHA1And3-KeyTripleDES-CBC")
        .contains("Shrouded Keybag: pbeWithSHA1And3-KeyTripleDES-CBC")
        .doesNotContain("RC2");
  }

  @RequiresPeer(Peer.OPENSSL)
  @Test
  void openssl_reads_the_truststore() throws IOException {
    Files.write(directory.resolve("trust.p12"), Pkcs12.trustStore(List.of(root.certificate()), PASSWORD.toCharArray()));

    Result result = Peer.OPENSSL.run(directory, "pkcs12", "-in", "trust.p12", "-passin", "file:pw", "-nokeys");

    assertThat(result.exitCode()).as(result.toString()).isZero();
    assertThat(result.output()).contains("subject=O = mtls-reference, CN = Interop Root");
  }

  @RequiresPeer(Peer.OPENSSL)
  @Test
  void csr_made_by_openssl_req_is_signed_by_pki_with_its_names() throws IOException {
    Result request = Peer.OPENSSL.run(directory, "req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256",
        "-nodes", "-keyout", "api.key", "-out", "api.csr", "-subj", "/O=Example/CN=api.example.org",
        "-addext", "subjectAltName=DNS:api.example.org,DNS:api.internal,IP:10.0.0.7");
    assertThat(request.exitCode()).as(request.toString()).isZero();

    IssuedCertificate issued = intermediate.sign(Csr.load(directory.resolve("api.csr")), Profile.SERVER,
        NamePolicy.permitAll(), Duration.ofDays(30));

    assertThat(SubjectAltName.of(issued.certificate())).containsExactly(
        SubjectAltName.dns("api.example.org"), SubjectAltName.dns("api.internal"), SubjectAltName.ip("10.0.0.7"));
    assertThat(issued.certificate().getSubjectX500Principal().getName()).isEqualTo("CN=api.example.org,O=Example");
    PrivateKey opensslKey = Pem.loadPrivateKey(directory.resolve("api.key"), null);
    assertThat(Identity.of(opensslKey, issued.chain()).certificate()).isEqualTo(issued.certificate());
    write("api.pem", issued.certificatePem());
    Result verify = Peer.OPENSSL.run(directory, "verify", "-purpose", "sslserver", "-CAfile", "root.pem",
        "-untrusted", "intermediate.pem", "api.pem");
    assertThat(verify.exitCode()).as(verify.toString()).isZero();
    assertThat(verify.output()).isEqualTo("api.pem: OK\n");
  }

  @RequiresPeer(Peer.OPENSSL)
  @Test
  void p12_made_by_openssl_loads_through_identity() throws IOException {
    write("alice.key", client.privateKeyPem());
    Result export = Peer.OPENSSL.run(directory, "pkcs12", "-export", "-in", "client.pem", "-inkey", "alice.key",
        "-certfile", "intermediate.pem", "-name", "alice", "-passout", "file:pw", "-out", "openssl.p12");
    assertThat(export.exitCode()).as(export.toString()).isZero();
    Path file = directory.resolve("openssl.p12");

    Identity identity = Identity.loadPkcs12(file, PASSWORD.toCharArray(), null);

    assertThat(identity.chain()).containsExactly(client.certificate(), intermediate.certificate());
    assertThat(Identity.loadPkcs12(file, PASSWORD.toCharArray(), "alice").certificate())
        .isEqualTo(client.certificate());
    assertThatThrownBy(() -> Identity.loadPkcs12(file, "wrong".toCharArray(), null))
        .isInstanceOf(KeyMaterialException.class)
        .hasMessage(file + ": wrong password for the PKCS#12 file");
  }

  @RequiresPeer(Peer.OPENSSL)
  @Test
  void pkcs1_rsa_key_from_openssl_loads() throws Exception {
    Result generate = Peer.OPENSSL.run(directory, "genrsa", "-traditional", "-out", "rsa.key", "2048");
    assertThat(generate.exitCode()).as(generate.toString()).isZero();
    assertThat(Files.readString(directory.resolve("rsa.key"))).startsWith("-----BEGIN RSA PRIVATE KEY-----");

    assertLoadsAndMatches("rsa.key", null);
  }

  @RequiresPeer(Peer.OPENSSL)
  @Test
  void sec1_ec_key_from_openssl_loads() throws Exception {
    Result generate = Peer.OPENSSL.run(directory, "ecparam", "-genkey", "-name", "prime256v1", "-noout", "-out", "ec.key");
    assertThat(generate.exitCode()).as(generate.toString()).isZero();
    assertThat(Files.readString(directory.resolve("ec.key"))).startsWith("-----BEGIN EC PRIVATE KEY-----");

    assertLoadsAndMatches("ec.key", null);
  }

  @RequiresPeer(Peer.OPENSSL)
  @Test
  void pkcs8_keys_from_openssl_load_ec_and_ed25519() throws Exception {
    Result ec = Peer.OPENSSL.run(directory, "genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-384",
        "-out", "ec8.key");
    Result ed = Peer.OPENSSL.run(directory, "genpkey", "-algorithm", "ED25519", "-out", "ed.key");
    assertThat(ec.exitCode()).as(ec.toString()).isZero();
    assertThat(ed.exitCode()).as(ed.toString()).isZero();
    assertThat(Files.readString(directory.resolve("ec8.key"))).startsWith("-----BEGIN PRIVATE KEY-----");

    assertLoadsAndMatches("ec8.key", null);
    assertLoadsAndMatches("ed.key", null);
  }

  @RequiresPeer(Peer.OPENSSL)
  @Test
  void encrypted_pkcs8_key_from_openssl_loads_with_its_password_only() throws Exception {
    Result generate = Peer.OPENSSL.run(directory, "ecparam", "-genkey", "-name", "prime256v1", "-noout", "-out", "plain.key");
    Result encrypt = Peer.OPENSSL.run(directory, "pkcs8", "-topk8", "-v2", "aes-256-cbc", "-in", "plain.key",
        "-passout", "file:pw", "-out", "encrypted.key");
    assertThat(generate.exitCode()).as(generate.toString()).isZero();
    assertThat(encrypt.exitCode()).as(encrypt.toString()).isZero();
    Path file = directory.resolve("encrypted.key");
    assertThat(Files.readString(file)).startsWith("-----BEGIN ENCRYPTED PRIVATE KEY-----");

    assertLoadsAndMatches("encrypted.key", PASSWORD.toCharArray());
    assertThatThrownBy(() -> Pem.loadPrivateKey(file, null))
        .isInstanceOf(KeyMaterialException.class)
        .hasMessage(file + ": the private key is encrypted; give its password");
    assertThatThrownBy(() -> Pem.loadPrivateKey(file, "wrong".toCharArray()))
        .isInstanceOf(KeyMaterialException.class)
        .hasMessage(file + ": cannot decrypt the private key: wrong password?");
  }

  @RequiresPeer(Peer.OPENSSL)
  @Test
  void traditional_encrypted_rsa_key_from_openssl_loads() throws Exception {
    Result generate = Peer.OPENSSL.run(directory, "genrsa", "-out", "plain-rsa.key", "2048");
    Result encrypt = Peer.OPENSSL.run(directory, "rsa", "-in", "plain-rsa.key", "-traditional", "-aes256",
        "-passout", "file:pw", "-out", "legacy.key");
    assertThat(generate.exitCode()).as(generate.toString()).isZero();
    assertThat(encrypt.exitCode()).as(encrypt.toString()).isZero();
    assertThat(Files.readString(directory.resolve("legacy.key"))).contains("Proc-Type: 4,ENCRYPTED");

    assertLoadsAndMatches("legacy.key", PASSWORD.toCharArray());
  }

  @RequiresPeer(Peer.OPENSSL)
  @Test
  void encrypted_key_written_by_pki_is_read_by_openssl() throws Exception {
    PrivateKey key = client.keyPair().getPrivate();
    write("encrypted.key", Pem.encodeEncrypted(key, PASSWORD.toCharArray()));
    write("wrong-pw", "not-the-password\n");

    Result read = Peer.OPENSSL.run(directory, "pkey", "-in", "encrypted.key", "-passin", "file:pw", "-pubout", "-out", "pub.pem");
    Result wrong = Peer.OPENSSL.run(directory, "pkey", "-in", "encrypted.key", "-passin", "file:wrong-pw", "-noout");
    Result info = Peer.OPENSSL.run(directory, "asn1parse", "-in", "encrypted.key");

    assertThat(read.exitCode()).as(read.toString()).isZero();
    assertThat(publicKey("pub.pem").getEncoded()).isEqualTo(client.certificate().getPublicKey().getEncoded());
    assertThat(wrong.exitCode()).isNotZero();
    assertThat(info.output()).contains("PBES2").contains("PBKDF2").contains("hmacWithSHA256").contains("aes-256-cbc");
  }

  @RequiresPeer(Peer.OPENSSL)
  @Test
  void plain_key_written_by_pki_is_pkcs8_and_read_by_openssl() throws Exception {
    write("plain.key", client.privateKeyPem());

    Result read = Peer.OPENSSL.run(directory, "pkey", "-in", "plain.key", "-pubout", "-out", "pub.pem");

    assertThat(client.privateKeyPem()).startsWith("-----BEGIN PRIVATE KEY-----");
    assertThat(read.exitCode()).as(read.toString()).isZero();
    assertThat(publicKey("pub.pem").getEncoded()).isEqualTo(client.certificate().getPublicKey().getEncoded());
  }

  @RequiresPeer(Peer.OPENSSL)
  @Test
  void openssl_shows_the_profile_extensions_of_a_server_certificate() {
    Result result = Peer.OPENSSL.run(directory, "x509", "-in", "server.pem", "-noout", "-ext",
        "basicConstraints,keyUsage,extendedKeyUsage,subjectAltName");

    assertThat(result.exitCode()).as(result.toString()).isZero();
    assertThat(result.output())
        .contains("X509v3 Basic Constraints: critical\n    CA:FALSE")
        .contains("X509v3 Key Usage: critical\n    Digital Signature\n")
        .contains("X509v3 Extended Key Usage: \n    TLS Web Server Authentication\n")
        .contains("DNS:localhost, IP Address:127.0.0.1, IP Address:0:0:0:0:0:0:0:1");
  }

  /** The key loads through Pem and belongs to the public key openssl derives from the same file. */
  private void assertLoadsAndMatches(String keyFile, char[] password) throws Exception {
    PrivateKey key = Pem.loadPrivateKey(directory.resolve(keyFile), password);
    List<String> arguments = new java.util.ArrayList<>(List.of("pkey", "-in", keyFile, "-pubout", "-out",
        keyFile + ".pub"));
    if (password != null) {
      arguments.addAll(List.of("-passin", "file:pw"));
    }
    Result result = Peer.OPENSSL.run(directory, arguments.toArray(new String[0]));
    assertThat(result.exitCode()).as(result.toString()).isZero();
    assertThat(KeyPairs.matches(publicKey(keyFile + ".pub"), key)).as(keyFile).isTrue();
  }

  private PublicKey publicKey(String file) throws IOException {
    try (PEMParser parser = new PEMParser(new StringReader(Files.readString(directory.resolve(file))))) {
      return new JcaPEMKeyConverter().getPublicKey((SubjectPublicKeyInfo) parser.readObject());
    }
  }

  private void write(String name, String content) throws IOException {
    Files.writeString(directory.resolve(name), content);
  }
}
