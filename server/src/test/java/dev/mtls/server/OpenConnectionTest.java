package dev.mtls.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mtls.pki.material.Pem;
import dev.mtls.pki.material.trust.Reason;
import dev.mtls.server.testing.ServerFixture;
import dev.mtls.testing.MutableClock;
import dev.mtls.testing.Recorder;
import dev.mtls.testing.pki.Issued;
import dev.mtls.testing.tls.TlsProbe;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A connection is accepted on a verdict that can stop holding: the certificate expires, the CRL goes stale, a new
 * CRL revokes it. The next request on that connection (or on a resumed session) must then be refused with 401 and
 * the connection closed, on TLS 1.3 and 1.2 alike.
 */
class OpenConnectionTest {
  private final ServerFixture pki = new ServerFixture();
  private final MutableClock clock = MutableClock.now();
  private final Recorder<Object> rejections = new Recorder<>();

  @TempDir
  Path dir;

  @ParameterizedTest
  @ValueSource(strings = {"TLSv1.3", "TLSv1.2"})
  void a_connection_whose_client_certificate_expires_is_refused_at_its_next_request(String protocol) throws Exception {
    Instant now = clock.instant();
    Issued shortLived = pki.issuing.issue("CN=brief,OU=readers,O=Demo")
        .validity(now.minus(Duration.ofMinutes(5)), now.plus(Duration.ofMinutes(30))).build();
    try (MtlsServer server = server(null);
        TlsProbe.Connection connection = pki.clientFor(shortLived).protocols(protocol).connect(server.port())) {
      assertThat(connection.request("GET", "/whoami").status()).isEqualTo(200);

      clock.advance(Duration.ofHours(1));

      assertRefusedAndClosed(connection, Reason.EXPIRED, "expired on");
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"TLSv1.3", "TLSv1.2"})
  void a_connection_whose_crl_goes_stale_is_refused_at_its_next_request(String protocol) throws Exception {
    Instant now = clock.instant();
    Path crls = Files.writeString(dir.resolve("crl.pem"),
        Pem.encode(pki.issuing.crl().nextUpdate(now.plus(Duration.ofMinutes(30))).build())
            + Pem.encode(pki.root.crl().nextUpdate(now.plus(Duration.ofDays(30))).build()));
    try (MtlsServer server = server(crls);
        TlsProbe.Connection connection = pki.clientFor(pki.bob).protocols(protocol).connect(server.port())) {
      assertThat(connection.request("GET", "/whoami").status()).isEqualTo(200);

      clock.advance(Duration.ofHours(1));

      assertRefusedAndClosed(connection, Reason.CRL_STALE, "nextUpdate");
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"TLSv1.3", "TLSv1.2"})
  void a_connection_whose_certificate_is_revoked_is_refused_at_its_next_request(String protocol) throws Exception {
    Path crls = pki.writeCrls(dir.resolve("crl.pem"));
    try (MtlsServer server = server(crls);
        TlsProbe.Connection connection = pki.clientFor(pki.bob).protocols(protocol).connect(server.port())) {
      assertThat(connection.request("GET", "/whoami").status()).isEqualTo(200);

      pki.writeCrls(crls, pki.bob.certificate());
      assertThat(server.reload().applied()).singleElement().asString().startsWith("CRL file " + crls);

      assertRefusedAndClosed(connection, Reason.REVOKED, "keyCompromise");
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"TLSv1.3", "TLSv1.2"})
  void a_resumed_session_of_a_revoked_client_is_refused_at_its_first_request(String protocol) throws Exception {
    Path crls = pki.writeCrls(dir.resolve("crl.pem"));
    try (MtlsServer server = server(crls)) {
      TlsProbe bob = pki.clientFor(pki.bob).protocols(protocol);
      try (TlsProbe.Connection first = bob.connect(server.port())) {
        assertThat(first.request("GET", "/whoami").body()).contains("\"resumed\":false");
      }
      try (TlsProbe.Connection second = bob.connect(server.port())) {
        assertThat(second.request("GET", "/whoami").body()).as("the client resumes its session")
            .contains("\"resumed\":true");
      }

      pki.writeCrls(crls, pki.bob.certificate());
      server.reload();

      try (TlsProbe.Connection third = bob.connect(server.port())) {
        assertRefusedAndClosed(third, Reason.REVOKED, "keyCompromise");
        assertThat(rejections.all(Rejection.class)).singleElement().extracting(Rejection::resumed).isEqualTo(true);
      }
    }
  }

  @Test
  void a_connection_stays_accepted_across_a_reload_that_still_trusts_it() throws Exception {
    Path crls = pki.writeCrls(dir.resolve("crl.pem"));
    try (MtlsServer server = server(crls);
        TlsProbe.Connection connection = pki.clientFor(pki.bob).connect(server.port())) {
      assertThat(connection.request("GET", "/whoami").status()).isEqualTo(200);

      pki.writeCrls(crls, pki.alice.certificate());
      server.reload();

      assertThat(connection.request("GET", "/whoami").status()).isEqualTo(200);
      assertThat(rejections.all(Rejection.class)).isEmpty();
    }
  }

  private MtlsServer server(Path crls) {
    MtlsServerBuilder builder = pki.serverBuilder().clock(clock).listener(ServerListener.forwardingTo(rejections));
    if (crls != null) {
      builder.addCrlFile(crls);
    }
    return builder.build().start();
  }

  private void assertRefusedAndClosed(TlsProbe.Connection connection, Reason reason, String detail)
      throws Exception {
    TlsProbe.Response response = connection.request("GET", "/whoami");
    assertThat(response.status()).isEqualTo(401);
    assertThat(response.body()).contains("Your client certificate is no longer accepted: " + reason.words(), detail);
    assertThat(connection.isClosedByServer()).isTrue();
    assertThat(rejections.all(Rejection.class)).singleElement().satisfies(rejection -> {
      assertThat(rejection.stage()).isEqualTo(Rejection.Stage.OPEN_CONNECTION);
      assertThat(rejection.verdict().reason()).isEqualTo(reason);
    });
  }
}
