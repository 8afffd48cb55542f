package dev.mtls.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mtls.pki.material.Fingerprint;
import dev.mtls.pki.material.TrustAnchors;
import dev.mtls.testpki.Issued;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Two trusted anchors with the same names: a rule bound to one by key is not earned through the other. */
class AnchorBindingTest {
  private final TestPki pki = new TestPki();
  private final dev.mtls.testpki.TestPki twin = dev.mtls.testpki.TestPki.named(dev.mtls.testpki.TestPki.ROOT,
      dev.mtls.testpki.TestPki.ISSUING);

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
      TestClient.Response twinAnswer = pki.clientFor(TestPki.identity(twinReader)).get(server.port(), "/api/reports");
      assertThat(twinAnswer.status()).isEqualTo(403);
      assertThat(twinAnswer.body()).contains("\"yourRoles\":[]");
    }
  }
}
