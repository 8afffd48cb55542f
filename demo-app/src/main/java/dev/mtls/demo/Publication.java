package dev.mtls.demo;

import static dev.mtls.pki.PublicationServer.CRL_PATH;
import static dev.mtls.pki.PublicationServer.OCSP_PATH;

import dev.mtls.pki.CaDirectory;
import dev.mtls.pki.CrlPublisher;
import dev.mtls.pki.DemoPki;
import dev.mtls.pki.OcspResponder;
import dev.mtls.pki.PublicationServer;
import dev.mtls.pki.material.KeyEncryption;
import dev.mtls.pki.material.Passwords;
import java.io.UncheckedIOException;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;

/**
 * The demo CA publishing the revocation status of what it issued, as {@code pki serve} does with its defaults: its
 * OCSP responder at {@code /ocsp}, its CRLs at {@code /crl/issuing.crl} and {@code /crl/root.crl}.
 */
final class Publication implements AutoCloseable {
  /** {@code pki serve --ocsp-validity}'s default. */
  private static final Duration OCSP_VALIDITY = Duration.ofMinutes(10);
  /** {@code pki serve --crl-validity}'s default. */
  private static final Duration CRL_VALIDITY = Duration.ofMinutes(60);

  private final CaDirectory ca;
  private final PublicationServer server;

  private Publication(CaDirectory ca, PublicationServer server) {
    this.ca = ca;
    this.server = server;
  }

  /** Opens the demo's CA and publishes its status on 127.0.0.1:{@code port}. */
  static Publication start(DemoPki pki, int port, KeyEncryption cost) {
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
      return new Publication(ca, listen(PublicationServer.builder().host("127.0.0.1").port(port)
          .ocspResponder(OCSP_PATH, responder).crls(CRL_PATH, crls)));
    } catch (RuntimeException e) {
      ca.close();
      throw e;
    }
  }

  private static PublicationServer listen(PublicationServer.Builder server) {
    try {
      return server.start();
    } catch (UncheckedIOException e) {
      throw new DemoException(e.getMessage() + "; choose another port with --publish-port P", e);
    }
  }

  /** What runs it by hand. */
  static Command command(Project project, DemoPki pki, int port) {
    return Command.java(project.pkiJar()).add("serve").add("--dir", pki.caDirectory())
        .add("--port", Integer.toString(port)).add("--password-file", pki.passwordFile());
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

  @Override
  public void close() {
    server.close();
    ca.close();
  }
}
