package dev.mtls.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mtls.pki.material.Fingerprint;
import dev.mtls.pki.material.TrustAnchors;
import dev.mtls.server.testing.ServerFixture;
import dev.mtls.testing.pki.Issued;
import dev.mtls.testing.pki.TestPki;
import dev.mtls.testing.tls.TlsProbe;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Two trusted anchors with the same names: a rule bound to one by key is not earned through the other. */
class AnchorBindingTest {
  private final ServerFixture pki = new ServerFixture();
  private final TestPki twin = TestPki.named(TestPki.ROOT,
      TestPki.ISSUING);

  @Test
  void a_reader_from_the_twin_anchor_gets_403_where_a_reader_from_the_bound_anchor_gets_200() throws Exception {
    String rules = "reader subject.OU=readers anchor.sha256=" + Fingerprint.publicKeySha256(pki.root.certificate())
        + "\n";
    Issued twinReader = twin.client("CN=bob,OU=readers,O=Demo");
    try (MtlsServer server = pki.serverBuilder()
        .trust(TrustAnchors.of(List.of(pki.root.certificate(), twin.root.certificate())))
        .roleRules(RoleRules.parse(rules, "roles.conf"))
        .build().start()) {
      assertThat(twin.root.certificate().getSubjectX500Principal())
          .isEqualTo(pki.root.certificate().getSubjectX500Principal());

      assertThat(pki.clientFor(pki.bob).get(server.port(), "/api/reports").status()).isEqualTo(200);
      TlsProbe.Response twinAnswer = pki.clientFor(ServerFixture.identity(twinReader)).get(server.port(), "/api/reports");
      assertThat(twinAnswer.status()).isEqualTo(403);
      assertThat(twinAnswer.body()).contains("\"yourRoles\":[]");
    }
  }
}
