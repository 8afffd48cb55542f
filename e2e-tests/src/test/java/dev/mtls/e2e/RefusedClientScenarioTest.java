package dev.mtls.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mtls.client.Diagnosis;
import dev.mtls.client.MtlsClientBuilder;
import dev.mtls.pki.material.trust.Reason;
import dev.mtls.testing.pki.Cast;
import dev.mtls.testing.pki.CastFiles;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Clients the server must refuse in the handshake, on TLS 1.3 and on TLS 1.2 (where the client learns of the
 * refusal at different moments). Each test asserts both sides: the sentence the client's diagnosis gives the user,
 * and the reason in the server's rejection event.
 *
 * <p>The clients here send their certificate even when their own pre-flight check knows better
 * ({@code enforcePreflight(false)}), so that the server's verdict is tested; the last tests show the pre-flight
 * check stopping such a certificate before anything is sent.
 */
class RefusedClientScenarioTest {
  /**
   * What the client can say when nothing it knows explains the refusal. Which of the two it says depends on whether
   * the server's generic alert reached the client before the connection closed (a race: the server sends the alert
   * and closes at once; see REFERENCE.md, "TLS 1.3 rejection timing"), so both are right.
   */
  private static final String[] UNEXPLAINED_REFUSAL = {
      "The server rejected our client certificate: it closed the connection after the handshake without saying why.",
      "The server rejected our client certificate: it could not validate the certificate (alert certificate_unknown)."};

  @TempDir static Path dir;
  static CastFiles pki;
  static RunningServer server;

  @BeforeAll
  static void start() {
    pki = Cast.create().writeTo(dir.resolve("pki"));
    server = RunningServer.start(pki, dir.resolve("server"));
  }

  @AfterAll
  static void stop() {
    if (server != null) {
      server.close();
    }
  }

  @BeforeEach
  void clearLogs() {
    server.clearLogs();
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"TLSv1.3", "TLSv1.2"})
  void client_without_certificate_is_refused(String protocol) {
    Diagnosis diagnosis = Clients.refused(pki, null, protocol, server.url("/whoami"));

    assertThat(diagnosis.kind()).isEqualTo(Diagnosis.Kind.NO_CLIENT_CERTIFICATE);
    assertThat(diagnosis.sentence()).isEqualTo("The server requires a client certificate and none was sent.");
    assertThat(server.awaitRejection(Reason.NO_CERTIFICATE).peer()).matches("127\\.0\\.0\\.1:\\d+");
    assertThat(server.requests()).isEmpty();
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"TLSv1.3", "TLSv1.2"})
  void client_from_foreign_ca_is_refused(String protocol) {
    Diagnosis diagnosis = Clients.refused(pki, "foreign", protocol, server.url("/whoami"));

    assertThat(diagnosis.kind()).isEqualTo(Diagnosis.Kind.CLIENT_CERTIFICATE_REJECTED);
    assertThat(diagnosis.sentence()).isEqualTo("The server rejected our client certificate, most likely because it "
        + "does not trust the CA that issued it.");
    assertThat(diagnosis.hint()).endsWith("it accepts certificates from CN=Test Root CA,O=mtls-reference test, and "
        + "ours chains to CN=Foreign Root CA,O=elsewhere.");
    assertThat(server.awaitRejection(Reason.UNTRUSTED_ISSUER).verdict().sentence()).isEqualTo("the client"
        + " certificate \"CN=alice,OU=admins,O=mtls-reference test\" was issued by \"CN=Foreign Root CA,O=elsewhere\", which"
        + " is not a trust anchor here (or the peer left out its intermediate CA certificate)");
    assertThat(server.requests()).isEmpty();
  }

  /**
   * The impostor CA has exactly our root's and intermediate's names, and its leaf is "CN=alice,OU=admins": only
   * signatures tell it apart. The client cannot know why it was refused; the server log says it.
   */
  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"TLSv1.3", "TLSv1.2"})
  void client_from_foreign_ca_with_our_ca_dn_is_refused(String protocol) {
    CastFiles.Credential impostor = pki.get("impostor");
    assertThat(impostor.issued().chain().get(1).getSubjectX500Principal())
        .isEqualTo(pki.cast().issuing.certificate().getSubjectX500Principal());
    assertThat(pki.cast().impostorRoot.certificate().getSubjectX500Principal())
        .isEqualTo(pki.cast().root.certificate().getSubjectX500Principal());

    Diagnosis diagnosis = Clients.refused(pki, "impostor", protocol, server.url("/whoami"));

    assertThat(diagnosis.kind()).isEqualTo(Diagnosis.Kind.CLIENT_CERTIFICATE_REJECTED);
    String sameName = "CA certificate \"CN=Test Issuing CA,O=mtls-reference test\" names the trust anchor"
        + " \"CN=Test Root CA,O=mtls-reference test\" as its issuer, but that anchor's key did not sign it: a CA with the"
        + " same name but another key is a different CA";
    assertThat(diagnosis.reason()).isEqualTo(Reason.UNTRUSTED_ISSUER);
    assertThat(diagnosis.sentence()).isEqualTo("The server rejected our client certificate, most likely because "
        + sameName + ".");
    assertThat(server.awaitRejection(Reason.UNTRUSTED_ISSUER).verdict().sentence()).isEqualTo(sameName);
    assertThat(server.requests()).isEmpty();
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"TLSv1.3", "TLSv1.2"})
  void expired_client_certificate_is_refused(String protocol) {
    Instant notAfter = pki.get("expired").x509().getNotAfter().toInstant();

    Diagnosis diagnosis = Clients.refused(pki, "expired", protocol, server.url("/whoami"));

    assertThat(diagnosis.kind()).isEqualTo(Diagnosis.Kind.CLIENT_CERTIFICATE_REJECTED);
    String expired = "the client certificate \"CN=expired,OU=admins,O=mtls-reference test\" expired on " + notAfter;
    assertThat(diagnosis.reason()).isEqualTo(Reason.EXPIRED);
    assertThat(diagnosis.sentence()).isEqualTo("The server rejected our client certificate, most likely because "
        + expired + ".");
    assertThat(server.awaitRejection(Reason.EXPIRED).verdict().sentence()).isEqualTo(expired);
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"TLSv1.3", "TLSv1.2"})
  void not_yet_valid_client_certificate_is_refused(String protocol) {
    Instant notBefore = pki.get("notyetvalid").x509().getNotBefore().toInstant();

    Diagnosis diagnosis = Clients.refused(pki, "notyetvalid", protocol, server.url("/whoami"));

    assertThat(diagnosis.kind()).isEqualTo(Diagnosis.Kind.CLIENT_CERTIFICATE_REJECTED);
    String early = "the client certificate \"CN=notyetvalid,OU=admins,O=mtls-reference test\" is not valid before "
        + notBefore;
    assertThat(diagnosis.reason()).isEqualTo(Reason.NOT_YET_VALID);
    assertThat(diagnosis.sentence()).isEqualTo("The server rejected our client certificate, most likely because "
        + early + ".");
    assertThat(server.awaitRejection(Reason.NOT_YET_VALID).verdict().sentence()).isEqualTo(early);
  }

  /**
   * Revocation is known only to the server (from its CRL file): the client hears a generic alert, and the reason,
   * with serial and date, is in the server's log.
   */
  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"TLSv1.3", "TLSv1.2"})
  void revoked_client_certificate_is_refused_via_crl(String protocol) {
    CastFiles.Credential revoked = pki.get("revoked");
    assertThat(pki.issuingCrl().isRevoked(revoked.x509())).isTrue();

    Diagnosis diagnosis = Clients.refused(pki, "revoked", protocol, server.url("/whoami"));

    assertThat(diagnosis.kind()).isEqualTo(Diagnosis.Kind.CLIENT_CERTIFICATE_REJECTED);
    assertThat(diagnosis.sentence()).isIn((Object[]) UNEXPLAINED_REFUSAL);
    assertThat(server.awaitRejection(Reason.REVOKED).verdict().sentence()).startsWith("the client certificate"
        + " \"CN=revoked,OU=admins,O=mtls-reference test\" (serial " + revoked.x509().getSerialNumber().toString(16)
        + ") was revoked on ")
        .endsWith(" (reason keyCompromise) by \"CN=Test Issuing CA,O=mtls-reference test\"");
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"TLSv1.3", "TLSv1.2"})
  void client_certificate_with_only_server_auth_eku_is_refused(String protocol) {
    Diagnosis diagnosis = Clients.refused(pki, "serveronly", protocol, server.url("/whoami"));

    assertThat(diagnosis.kind()).isEqualTo(Diagnosis.Kind.CLIENT_CERTIFICATE_REJECTED);
    String serverOnly = "the client certificate \"CN=serveronly,OU=admins,O=mtls-reference test\" is not allowed for"
        + " TLS client authentication: its extended key usage [serverAuth] lacks clientAuth";
    assertThat(diagnosis.reason()).isEqualTo(Reason.WRONG_PURPOSE);
    assertThat(diagnosis.sentence()).isEqualTo("The server rejected our client certificate, most likely because "
        + serverOnly + ".");
    assertThat(server.awaitRejection(Reason.WRONG_PURPOSE).verdict().sentence()).isEqualTo(serverOnly);
  }

  @Test
  void expired_certificate_is_stopped_by_the_client_preflight_before_anything_is_sent() {
    MtlsClientBuilder client = Clients.builder(pki, "expired", null).enforcePreflight(true);

    Diagnosis diagnosis = Clients.refused(client, "GET", server.url("/whoami"));

    assertThat(diagnosis.kind()).isEqualTo(Diagnosis.Kind.OWN_CERTIFICATE_EXPIRED);
    assertThat(diagnosis.reason()).isEqualTo(Reason.EXPIRED);
    assertThat(diagnosis.sentence()).isEqualTo("Our certificate would be refused: expired: the client certificate"
        + " \"CN=expired,OU=admins,O=mtls-reference test\" expired on " + pki.get("expired").x509().getNotAfter()
        .toInstant() + ".");
    assertThat(diagnosis.technical()).isEqualTo("pre-flight check before connecting; nothing was sent");
    // Nothing reached the server, so it has nothing to say.
    assertThat(server.rejections()).isEmpty();
    assertThat(server.requests()).isEmpty();
  }

  @Test
  void server_auth_only_certificate_is_stopped_by_the_client_preflight_before_anything_is_sent() {
    MtlsClientBuilder client = Clients.builder(pki, "serveronly", null).enforcePreflight(true);

    Diagnosis diagnosis = Clients.refused(client, "GET", server.url("/whoami"));

    assertThat(diagnosis.kind()).isEqualTo(Diagnosis.Kind.OWN_CERTIFICATE_NOT_FOR_CLIENTS);
    assertThat(diagnosis.reason()).isEqualTo(Reason.WRONG_PURPOSE);
    assertThat(diagnosis.sentence()).isEqualTo("Our certificate would be refused: not allowed for this purpose: the"
        + " client certificate \"CN=serveronly,OU=admins,O=mtls-reference test\" is not allowed for TLS client"
        + " authentication: its extended key usage [serverAuth] lacks clientAuth.");
    assertThat(server.rejections()).isEmpty();
  }
}
