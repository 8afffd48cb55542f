package dev.mtls.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mtls.pki.material.Pem;
import dev.mtls.pki.material.trust.MissingCrlPolicy;
import dev.mtls.pki.material.trust.Reason;
import dev.mtls.server.testing.ServerFixture;
import dev.mtls.testing.Recorder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** With CRLs configured, a CA in a client's path without a CRL: refused by default, accepted when configured so. */
class MissingCrlTest {
  private final ServerFixture pki = new ServerFixture();
  private final Recorder<Object> rejections = new Recorder<>();

  @TempDir
  Path dir;

  @Test
  void a_client_whose_intermediate_has_no_crl_from_the_root_is_refused_by_default() throws Exception {
    Path issuingOnly = Files.writeString(dir.resolve("crl.pem"), Pem.encode(pki.issuing.crl().build()));
    try (MtlsServer server = pki.serverBuilder().addCrlFile(issuingOnly).listener(ServerListener.forwardingTo(rejections)).build()
        .start()) {
      assertThatThrownBy(() -> pki.clientFor(pki.alice).get(server.port(), "/whoami")).isInstanceOf(IOException.class);

      assertThat(rejections.awaitOnly(Rejection.class).verdict().reason()).isEqualTo(Reason.REVOCATION_UNKNOWN);
      assertThat(rejections.awaitOnly(Rejection.class).verdict().sentence()).startsWith("no CRL signed by \"CN=Test Root CA,"
          + "O=mtls-reference test\" is configured");
    }
  }

  @Test
  void the_accept_setting_serves_such_a_client_and_still_checks_the_crls_it_has() throws Exception {
    Path issuingOnly = Files.writeString(dir.resolve("crl.pem"),
        Pem.encode(pki.issuing.crl().revoke(pki.bob.certificate()).build()));
    try (MtlsServer server = pki.serverBuilder().addCrlFile(issuingOnly).missingCrl(MissingCrlPolicy.ACCEPT)
        .listener(ServerListener.forwardingTo(rejections)).build().start()) {
      assertThat(pki.clientFor(pki.alice).get(server.port(), "/whoami").status()).isEqualTo(200);
      assertThatThrownBy(() -> pki.clientFor(pki.bob).get(server.port(), "/whoami")).isInstanceOf(IOException.class);

      assertThat(rejections.awaitOnly(Rejection.class).verdict().reason()).isEqualTo(Reason.REVOKED);
    }
  }
}
