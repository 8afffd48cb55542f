package dev.mtls.e2e;

import dev.mtls.pki.CaDirectory;
import dev.mtls.pki.CertificateSpec;
import dev.mtls.pki.EstEvent;
import dev.mtls.pki.EstService;
import dev.mtls.pki.IssuedCertificate;
import dev.mtls.pki.PublicationServer;
import dev.mtls.pki.RevocationReason;
import dev.mtls.pki.material.Identity;
import dev.mtls.pki.material.SubjectAltName;
import dev.mtls.pki.material.reload.ReloadingKeyManager;
import dev.mtls.testing.Recorder;
import dev.mtls.testing.peers.FreePort;
import java.io.IOException;
import java.math.BigInteger;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;

/**
 * A CA serving EST over HTTPS on a fixed loopback port, as {@code pki serve --est-port} does (the same library),
 * that can be stopped and started again on that port: the CA of the renewal scenarios. Credentials are written to
 * the directory as NAME-chain.pem and NAME.key; EST issues certificates valid for the lifetime it was started with.
 */
final class EstCa implements AutoCloseable {
  private static final char[] PASSWORD = "est-e2e".toCharArray();
  static final String ORG = "O=est e2e";

  private final Path dir;
  private final CaDirectory ca;
  private final EstService est;
  private final Identity serverIdentity;
  private final int port;
  private final Recorder<EstEvent> events = new Recorder<>();
  private PublicationServer server;

  private EstCa(Path dir, CaDirectory ca, Duration lifetime) {
    this.dir = dir;
    this.ca = ca;
    this.est = EstService.forCa(ca, lifetime, Clock.systemUTC()).observedBy(events);
    this.serverIdentity = ca.estServerIdentity(List.of(SubjectAltName.dns("localhost"),
        SubjectAltName.ip("127.0.0.1")), Duration.ofDays(30));
    this.port = FreePort.pick();
  }

  /** A new CA in {@code dir}, serving EST with certificates valid for {@code lifetime}. */
  static EstCa start(Path dir, Duration lifetime) {
    CaDirectory ca = CaDirectory.init(dir.resolve("ca"), PASSWORD, CaDirectory.InitOptions.defaults("est e2e"),
        false, Clock.systemUTC());
    EstCa estCa = new EstCa(dir, ca, lifetime);
    estCa.resume();
    return estCa;
  }

  /** Where EST is served: {@code https://localhost:PORT}. */
  URI url() {
    return URI.create("https://localhost:" + port);
  }

  /** The CA stops answering: its port is closed. */
  synchronized void stop() {
    server.close();
    server = null;
  }

  /** The CA answers again, on the same port. */
  synchronized void resume() {
    server = PublicationServer.builder().host("127.0.0.1").port(port)
        .tls(new ReloadingKeyManager(serverIdentity))
        .est(PublicationServer.EST_PATH, est)
        .start();
  }

  Recorder<EstEvent> events() {
    return events;
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

  /** Issues a client certificate for {@code name} (OU=admins) valid for {@code lifetime}; returns its serial. */
  BigInteger issueClient(String name, Duration lifetime) throws IOException {
    return write(name, ca.issue(CertificateSpec.client("CN=" + name + ",OU=admins," + ORG).validity(lifetime)
        .build()));
  }

  /** Issues a server certificate for localhost and 127.0.0.1 valid for {@code lifetime}; returns its serial. */
  BigInteger issueServer(String name, Duration lifetime) throws IOException {
    return write(name, ca.issue(CertificateSpec.server("CN=localhost,OU=" + name + "," + ORG)
        .addSubjectAltName(SubjectAltName.dns("localhost")).addSubjectAltName(SubjectAltName.ip("127.0.0.1"))
        .validity(lifetime).build()));
  }

  void revoke(BigInteger serial) {
    ca.revoke(serial, RevocationReason.KEY_COMPROMISE);
  }

  private BigInteger write(String name, IssuedCertificate issued) throws IOException {
    Files.writeString(chain(name), issued.chainPem(), StandardCharsets.UTF_8);
    Files.writeString(key(name), issued.privateKeyPem(), StandardCharsets.UTF_8);
    return issued.certificate().getSerialNumber();
  }

  @Override
  public synchronized void close() {
    if (server != null) {
      server.close();
    }
    ca.close();
  }
}
