package dev.mtls.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mtls.client.Diagnosis;
import dev.mtls.client.MtlsResponse;
import dev.mtls.pki.material.trust.Reason;
import dev.mtls.server.ReloadOutcome;
import dev.mtls.testing.Eventually;
import dev.mtls.testing.pki.Cast;
import dev.mtls.testing.pki.CastFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Role rules and CRLs changed while the server runs: the files are rewritten, the server reloads them (by
 * {@code reload()}, by the admin endpoint, or by its own polling) and new requests see the new rules. Each test has
 * a server of its own, since each changes its files.
 */
class LiveReloadScenarioTest {
  private static final Duration POLL_WAIT = Duration.ofSeconds(15);

  @TempDir Path dir;

  @Test
  void role_rules_changed_while_running_take_effect_on_reload() throws IOException {
    CastFiles pki = Cast.create().writeTo(dir.resolve("pki"));
    try (RunningServer server = RunningServer.start(pki, dir.resolve("server"))) {
      assertThat(Clients.get(pki, "carol", server.url("/api/reports")).status()).isEqualTo(403);
      assertThat(Clients.get(pki, "bob", server.url("/api/reports")).status()).isEqualTo(200);

      // Contractors become readers; readers lose their role.
      Files.writeString(server.rolesFile(), """
          admin   subject.OU=admins
          reader  subject.OU=contractors
          """, StandardCharsets.UTF_8);
      ReloadOutcome outcome = server.reload();

      assertThat(outcome.refused()).isEmpty();
      assertThat(outcome.applied()).singleElement().asString().startsWith("role rules ");
      MtlsResponse carol = Clients.get(pki, "carol", server.url("/api/reports"));
      assertThat(carol.status()).isEqualTo(200);
      assertThat(carol.bodyText()).startsWith("{\"requestedBy\":\"CN=carol,OU=contractors,O=mtls-reference test\"");
      MtlsResponse bob = Clients.get(pki, "bob", server.url("/api/reports"));
      assertThat(bob.status()).isEqualTo(403);
      assertThat(bob.bodyText()).contains("\"requiredRoles\":[\"admin\",\"reader\"],\"yourRoles\":[]");
    }
  }

  @Test
  void broken_role_rules_are_refused_and_the_old_rules_stay_in_service() throws IOException {
    CastFiles pki = Cast.create().writeTo(dir.resolve("pki"));
    try (RunningServer server = RunningServer.start(pki, dir.resolve("server"))) {
      Files.writeString(server.rolesFile(), "reader subject.OU\n", StandardCharsets.UTF_8);

      ReloadOutcome outcome = server.reload();

      assertThat(outcome.applied()).isEmpty();
      assertThat(outcome.refused()).singleElement().asString()
          .startsWith("role rules " + server.rolesFile() + ": " + server.rolesFile() + ":1: ");
      assertThat(Clients.get(pki, "bob", server.url("/api/reports")).status()).isEqualTo(200);
    }
  }

  @Test
  void crl_changed_while_running_refuses_a_newly_revoked_client_after_reload_by_the_admin_endpoint()
      throws IOException {
    CastFiles pki = Cast.create().writeTo(dir.resolve("pki"));
    CastFiles.Credential dave = pki.add("dave", pki.cast().client("CN=dave,OU=readers," + Cast.ORG));
    try (RunningServer server = RunningServer.start(pki, dir.resolve("server"))) {
      assertThat(Clients.get(pki, "dave", server.url("/api/reports")).status()).isEqualTo(200);

      Files.writeString(server.crlFile(), pki.crlRevoking(dave),
          StandardCharsets.UTF_8);
      MtlsResponse reload = Clients.send(Clients.builder(pki, "alice", null), "POST",
          server.url("/api/admin/reload"));
      assertThat(reload.status()).isEqualTo(200);
      assertThat(reload.bodyText()).isEqualTo("{\"applied\":[\"CRL file " + server.crlFile() + ": 2 CRL(s)\"],"
          + "\"refused\":[]}\n");
      server.clearLogs();

      Diagnosis diagnosis = Clients.refused(pki, "dave", null, server.url("/api/reports"));

      assertThat(diagnosis.kind()).isEqualTo(Diagnosis.Kind.CLIENT_CERTIFICATE_REJECTED);
      assertThat(server.awaitRejection(Reason.REVOKED).verdict().sentence()).startsWith("the client certificate"
          + " \"CN=dave,OU=readers,O=mtls-reference test\" (serial " + dave.x509().getSerialNumber().toString(16)
          + ") was revoked on ");
      // Others are unaffected.
      assertThat(Clients.get(pki, "bob", server.url("/api/reports")).status()).isEqualTo(200);
    }
  }

  @Test
  void crl_replaced_by_one_revoking_nothing_readmits_the_client_after_reload() throws IOException {
    CastFiles pki = Cast.create().writeTo(dir.resolve("pki"));
    try (RunningServer server = RunningServer.start(pki, dir.resolve("server"))) {
      Clients.refused(pki, "revoked", null, server.url("/whoami"));
      assertThat(server.awaitRejection(Reason.REVOKED).stage()).isEqualTo(dev.mtls.server.Rejection.Stage.HANDSHAKE);

      Files.copy(pki.emptyCrlPem(), server.crlFile(), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
      assertThat(server.reload().applied()).containsExactly("CRL file " + server.crlFile() + ": 2 CRL(s)");

      MtlsResponse response = Clients.get(pki, "revoked", server.url("/whoami"));
      assertThat(response.status()).isEqualTo(200);
      assertThat(response.bodyText()).startsWith("{\"subject\":\"CN=revoked,OU=admins,O=mtls-reference test\"");
    }
  }

  @Test
  void role_rules_changed_while_running_are_picked_up_by_polling() throws IOException, InterruptedException {
    CastFiles pki = Cast.create().writeTo(dir.resolve("pki"));
    try (RunningServer server = RunningServer.start(pki, dir.resolve("server"),
        builder -> builder.reloadInterval(Duration.ofMillis(200)))) {
      assertThat(Clients.get(pki, "carol", server.url("/api/reports")).status()).isEqualTo(403);

      Files.writeString(server.rolesFile(), Files.readString(server.rolesFile()) + "\nreader subject.OU=contractors\n",
          StandardCharsets.UTF_8);

      // The poller's own work: no call to reload() here.
      Eventually.within(POLL_WAIT).await("carol to be served after the role rules changed",
          () -> Clients.get(pki, "carol", server.url("/api/reports")).status(), status -> status == 200);
      assertThat(server.reload().changed()).as("the poller already loaded the change").isFalse();
    }
  }
}
