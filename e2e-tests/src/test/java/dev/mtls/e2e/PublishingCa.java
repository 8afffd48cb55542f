package dev.mtls.e2e;

import dev.mtls.client.MtlsClient;
import dev.mtls.client.MtlsClientBuilder;
import dev.mtls.pki.CaDirectory;
import dev.mtls.pki.CertificateSpec;
import dev.mtls.pki.CrlPublisher;
import dev.mtls.pki.IssuedCertificate;
import dev.mtls.pki.OcspResponder;
import dev.mtls.pki.PublicationServer;
import dev.mtls.pki.RevocationReason;
import dev.mtls.pki.material.Identity;
import dev.mtls.pki.material.SubjectAltName;
import dev.mtls.pki.material.TrustAnchors;
import dev.mtls.testing.peers.FreePort;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A CA directory whose certificates name where their status is published, and the project's publication server
 * answering there (the {@code pki serve} library: OCSP at /ocsp, CRLs at /crl/issuing.crl and /crl/root.crl), for
 * scenarios where servers learn revocations from the CA rather than from files. Credentials are written to the
 * directory as NAME-chain.pem and NAME.key.
 */
final class PublishingCa implements AutoCloseable {
  private static final char[] PASSWORD = "publishing-e2e".toCharArray();
  static final String ORG = "O=publishing e2e";

  private final Path dir;
  private final CaDirectory ca;
  private final PublicationServer publication;
  private final Map<String, BigInteger> serials = new ConcurrentHashMap<>();

  private PublishingCa(Path dir, CaDirectory ca, PublicationServer publication) {
    this.dir = dir;
    this.ca = ca;
    this.publication = publication;
  }

  static PublishingCa start(Path dir) throws IOException {
    int port = FreePort.pick();
    String base = "http://127.0.0.1:" + port;
    Clock clock = Clock.systemUTC();
    CaDirectory ca = CaDirectory.init(dir.resolve("ca"), PASSWORD, CaDirectory.InitOptions.defaults("publishing e2e")
        .withUrls(base + "/crl/issuing.crl", base + "/crl/root.crl", base + "/ocsp"), false, clock);
    PublicationServer publication = PublicationServer.builder().port(port)
        .ocspResponder("/ocsp", OcspResponder.forCa(ca, Duration.ofMinutes(10), clock))
        .crls("/crl", new CrlPublisher(ca, Duration.ofMinutes(60), clock))
        .start();
    PublishingCa publishing = new PublishingCa(dir, ca, publication);
    publishing.write("server", ca.issue(CertificateSpec.server("CN=localhost," + ORG)
        .addSubjectAltName(SubjectAltName.dns("localhost")).addSubjectAltName(SubjectAltName.ip("127.0.0.1"))
        .build()));
    return publishing;
  }

  CaDirectory ca() {
    return ca;
  }

  Path rootPem() {
    return ca.directory().resolve("root.pem");
  }

  Path chain(String name) {
    return dir.resolve(name + "-chain.pem");
  }

  Path key(String name) {
    return dir.resolve(name + ".key");
  }

  /** Issues a client certificate (OU=admins) for {@code name} and writes its chain and key. */
  void issueClient(String name) throws IOException {
    write(name, ca.issue(CertificateSpec.client("CN=" + name + ",OU=admins," + ORG).build()));
  }

  /** Issues a server certificate for localhost named {@code name} (as {@code server} is) and writes it. */
  void issueServer(String name) throws IOException {
    write(name, ca.issue(CertificateSpec.server("CN=localhost,OU=" + name + "," + ORG)
        .addSubjectAltName(SubjectAltName.dns("localhost")).addSubjectAltName(SubjectAltName.ip("127.0.0.1"))
        .build()));
  }

  void revoke(String name) {
    ca.revoke(serials.get(name), RevocationReason.KEY_COMPROMISE);
  }

  /** A client with the identity {@code name}, sending it whatever it thinks of it itself. */
  MtlsClientBuilder client(String name) {
    return MtlsClient.builder()
        .trust(TrustAnchors.loadPem(rootPem()))
        .identity(Identity.loadPem(chain(name), key(name), null))
        .enforcePreflight(false);
  }

  private void write(String name, IssuedCertificate issued) throws IOException {
    Files.writeString(chain(name), issued.chainPem(), StandardCharsets.UTF_8);
    Files.writeString(key(name), issued.privateKeyPem(), StandardCharsets.UTF_8);
    serials.put(name, issued.certificate().getSerialNumber());
  }

  @Override
  public void close() {
    publication.close();
    ca.close();
  }
}
