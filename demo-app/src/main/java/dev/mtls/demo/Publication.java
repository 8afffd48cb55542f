package dev.mtls.demo;

import static dev.mtls.pki.PublicationServer.CRL_PATH;
import static dev.mtls.pki.PublicationServer.EST_PATH;
import static dev.mtls.pki.PublicationServer.OCSP_PATH;

import dev.mtls.pki.CaDirectory;
import dev.mtls.pki.CertificateSpec;
import dev.mtls.pki.CredentialFiles;
import dev.mtls.pki.CrlPublisher;
import dev.mtls.pki.DemoPki;
import dev.mtls.pki.EstService;
import dev.mtls.pki.IssuedCertificate;
import dev.mtls.pki.OcspResponder;
import dev.mtls.pki.Pkcs12;
import dev.mtls.pki.PublicationServer;
import dev.mtls.pki.material.KeyEncryption;
import dev.mtls.pki.material.Passwords;
import dev.mtls.pki.material.SubjectAltName;
import dev.mtls.pki.material.reload.ReloadingKeyManager;
import java.io.UncheckedIOException;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.List;

/**
 * The demo CA publishing the revocation status of what it issued, as {@code pki serve --est-port E} does with its
 * defaults: its OCSP responder at {@code /ocsp}, its CRLs at {@code /crl/issuing.crl} and {@code /crl/root.crl}, and
 * EST (RFC 7030) over HTTPS on a port of its own, where the demo's certificates renew themselves.
 */
final class Publication implements AutoCloseable {
  /** {@code pki serve --ocsp-validity}'s default. */
  private static final Duration OCSP_VALIDITY = Duration.ofMinutes(10);
  /** {@code pki serve --crl-validity}'s default. */
  private static final Duration CRL_VALIDITY = Duration.ofMinutes(60);
  /** How long the certificates EST issues are valid: {@code pki serve --est-lifetime}'s default. */
  static final Duration EST_LIFETIME = EstService.DEFAULT_LIFETIME;
  /** {@code pki serve --est-name}'s default: the names of the EST listener's own certificate. */
  private static final List<SubjectAltName> EST_NAMES = List.of(SubjectAltName.dns("localhost"),
      SubjectAltName.ip("127.0.0.1"));
  /** How long the EST listener's own certificate is valid, as {@code pki serve} issues it. */
  private static final Duration EST_SERVER_VALIDITY = Duration.ofDays(30);

  private final CaDirectory ca;
  private final PublicationServer server;
  private final PublicationServer est;

  private Publication(CaDirectory ca, PublicationServer server, PublicationServer est) {
    this.ca = ca;
    this.server = server;
    this.est = est;
  }

  /**
   * Opens the demo's CA and publishes its status on 127.0.0.1:{@code port}, and EST on 127.0.0.1:{@code estPort}
   * (0: a free port) with the CA's EST server certificate ({@code ca/est-server.pem}, as {@code pki serve} keeps it).
   */
  static Publication start(DemoPki pki, int port, int estPort, KeyEncryption cost) {
    Clock clock = Clock.systemUTC();
    char[] password = Passwords.fromFile(pki.passwordFile());
    CaDirectory ca;
    try {
      ca = CaDirectory.open(pki.caDirectory(), password, cost, clock);
    } finally {
      Passwords.clear(password);
    }
    try {
      OcspResponder responder = OcspResponder.forCa(ca, OCSP_VALIDITY, clock);
      CrlPublisher crls = new CrlPublisher(ca, CRL_VALIDITY, clock);
      crls.current();
      EstService enrolment = EstService.forCa(ca, EST_LIFETIME, clock);
      ReloadingKeyManager estKeys = new ReloadingKeyManager(ca.estServerIdentity(EST_NAMES, EST_SERVER_VALIDITY));
      PublicationServer server = listen(PublicationServer.builder().host("127.0.0.1").port(port)
          .ocspResponder(OCSP_PATH, responder).crls(CRL_PATH, crls), "--publish-port P");
      try {
        return new Publication(ca, server, listen(PublicationServer.builder().host("127.0.0.1").port(estPort)
            .tls(estKeys).est(EST_PATH, enrolment), "--est-port E"));
      } catch (RuntimeException e) {
        server.close();
        throw e;
      }
    } catch (RuntimeException e) {
      ca.close();
      throw e;
    }
  }

  private static PublicationServer listen(PublicationServer.Builder server, String option) {
    try {
      return server.start();
    } catch (UncheckedIOException e) {
      throw new DemoException(e.getMessage() + "; choose another port with " + option, e);
    }
  }

  /** What runs it by hand, on the ports it has. */
  Command command(Project project, DemoPki pki) {
    return Command.java(project.pkiJar()).add("serve").add("--dir", pki.caDirectory())
        .add("--port", Integer.toString(port())).add("--password-file", pki.passwordFile())
        .add("--est-port", Integer.toString(est.port())).add("--est-lifetime", "24h");
  }

  /**
   * Issues a certificate to {@code files} as {@code pki issue} does: recorded in the CA's index once written. The
   * CA's directory lock keeps it apart from what EST issues meanwhile.
   */
  IssuedCertificate issue(CertificateSpec spec, CredentialFiles files, KeyEncryption cost) {
    return ca.issue(spec, files.delivery(null, false, Pkcs12.Profile.MODERN, cost));
  }

  /** Where EST is served, as {@code renew-from} takes it: {@code https://localhost:PORT}. */
  URI est() {
    return URI.create("https://localhost:" + est.port());
  }

  URI ocsp() {
    return server.uri(OCSP_PATH);
  }

  URI crl(String name) {
    return server.uri(CRL_PATH + "/" + name);
  }

  int port() {
    return server.port();
  }

  int estPort() {
    return est.port();
  }

  @Override
  public void close() {
    est.close();
    server.close();
    ca.close();
  }
}
