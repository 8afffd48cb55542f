package dev.mtls.pki;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mtls.pki.material.KeyEncryption;
import dev.mtls.pki.material.Pem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The demo's learning set: every member's files, the status URLs its certificates name, no silent overwrite. */
class DemoPkiTest {
  @TempDir Path dir;

  private DemoPki.Builder demo() {
    return DemoPki.builder(dir).keyEncryption(KeyEncryption.forTests());
  }

  @Test
  void writes_each_member_with_its_files_and_the_given_password() throws Exception {
    DemoPki demo = demo().password("demo password".toCharArray()).create();

    assertThat(demo.members()).extracting(DemoPki.Member::name)
        .containsExactly("server", "alice", "bob", "carol", "expired", "revoked", "foreign");
    for (DemoPki.Member member : demo.members()) {
      CredentialFiles files = demo.credentials(member.name());
      assertThat(files.key()).exists();
      assertThat(files.pkcs12()).exists();
      assertThat(Pem.loadCertificates(files.chain()).get(0)).isEqualTo(member.certificate());
    }
    assertThat(Files.readString(demo.passwordFile())).isEqualTo("demo password\n");
    X509Certificate revoked = demo.members().get(5).certificate();
    assertThat(Pem.loadCrls(demo.crl()).get(0).isRevoked(revoked)).isTrue();
    assertThat(demo.members().get(4).certificate().getNotAfter()).isInThePast();
    assertThat(demo.table()).contains("alice      CN=alice,OU=admins,O=mtls-reference              90d    client "
        + "with role admin", "expired    CN=expired,OU=admins,O=mtls-reference            24h    client whose");
  }

  @Test
  void certificates_name_where_the_publication_server_answers() {
    DemoPki demo = demo().publishUrl("http://127.0.0.1:8081/").create();

    String alice = Inspector.describe(demo.members().get(1).certificate(), Instant.now());
    assertThat(demo.publishUrl()).hasValue("http://127.0.0.1:8081");
    assertThat(alice).contains("OCSP responder:      http://127.0.0.1:8081/ocsp",
        "CRL distribution:    http://127.0.0.1:8081/crl/issuing.crl");
    assertThat(demo.members().get(5).shows()).contains("pki serve publishes it");
  }

  @Test
  void issues_the_server_and_the_valid_clients_short_lived_when_given_a_lifetime() {
    DemoPki demo = demo().lifetime(Duration.ofHours(24)).create();

    for (String name : List.of("server", "alice", "bob", "carol", "revoked")) {
      X509Certificate certificate = demo.member(name).certificate();
      assertThat(Duration.between(certificate.getNotBefore().toInstant(), certificate.getNotAfter().toInstant()))
          .as(name).isEqualTo(Duration.ofHours(24));
    }
    assertThat(demo.member("expired").certificate().getNotAfter()).isInThePast();
    assertThat(demo.table()).contains("bob        CN=bob,OU=readers,O=mtls-reference               24h    client "
        + "with role reader", "foreign    CN=alice,OU=admins,O=mtls-reference              90d ");
    assertThatThrownBy(() -> demo().lifetime(Duration.ZERO)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void refuses_to_overwrite_an_earlier_set_unless_told_to_replace_it() {
    demo().create();

    assertThatThrownBy(() -> demo().create()).hasMessageContaining("password.txt");
    assertThat(demo().replaceExisting(true).create().members()).hasSize(7);
  }
}
