package dev.mtls.pki;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mtls.pki.material.AtomicFiles.Existing;
import dev.mtls.pki.material.KeyEncryption;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import javax.security.auth.x500.X500Principal;
import org.bouncycastle.asn1.pkcs.EncryptedPrivateKeyInfo;
import org.bouncycastle.asn1.pkcs.PBES2Parameters;
import org.bouncycastle.asn1.pkcs.PBKDF2Params;
import org.bouncycastle.util.io.pem.PemReader;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The CA directory's files: its index as the one record of what was issued, and the keys it writes. */
class CaDirectoryTest {
  private static final char[] PASSWORD = "ca directory test password".toCharArray();

  @TempDir Path dir;
  private CaDirectory ca;

  @BeforeEach
  void createCa() {
    ca = CaDirectory.init(dir.resolve("ca"), PASSWORD, CaDirectory.InitOptions.defaults("Directory Test")
        .withKeyEncryption(KeyEncryption.forTests()), false, Clock.systemUTC());
  }

  @AfterEach
  void closeCa() {
    ca.close();
  }

  @Test
  void keeps_a_subject_with_tabs_and_newlines_on_one_index_line() throws Exception {
    X500Principal hostile = new X500Principal("CN=mallory\tR\n2000-01-01T00:00:00Z,O=x");
    IssuedCertificate issued = ca.issue(CertificateSpec.client(hostile).build());

    assertThat(Files.readAllLines(dir.resolve("ca/index.tsv"))).hasSize(2);
    assertThat(ca.entries()).singleElement().satisfies(entry -> {
      assertThat(entry.serial()).isEqualTo(issued.certificate().getSerialNumber());
      assertThat(entry.status()).isEqualTo(IndexEntry.Status.VALID);
      assertThat(entry.subject()).isEqualTo(hostile.getName(X500Principal.RFC2253));
    });
  }

  @Test
  void a_corrupt_index_line_is_named_and_nothing_is_changed() throws Exception {
    IssuedCertificate alice = ca.issue(CertificateSpec.client("CN=alice").build());
    Path index = dir.resolve("ca/index.tsv");
    String corrupt = Files.readString(index).replace("\tV\t", "\tX\t");
    Files.writeString(index, corrupt);

    assertThatThrownBy(() -> ca.revoke(alice.certificate().getSerialNumber(), RevocationReason.SUPERSEDED))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage(index + ":2: corrupt index line: status must be V or R, found 'X'; fix or restore the line"
            + " (nothing was changed)");
    assertThat(Files.readString(index)).isEqualTo(corrupt);
  }

  @Test
  void a_directory_made_before_the_root_kept_an_index_lists_the_intermediate_as_all_the_root_issued()
      throws Exception {
    Files.delete(dir.resolve("ca/root-index.tsv"));

    assertThat(ca.rootEntries()).singleElement()
        .satisfies(entry -> assertThat(entry.serial()).isEqualTo(ca.intermediate().getSerialNumber()));
    assertThat(ca.revoke(ca.intermediate().getSerialNumber(), RevocationReason.CA_COMPROMISE).status())
        .isEqualTo(IndexEntry.Status.REVOKED);
    assertThat(ca.rootEntries()).singleElement()
        .satisfies(entry -> assertThat(entry.reason()).isEqualTo(RevocationReason.CA_COMPROMISE));
  }

  @Test
  void encrypts_the_keys_it_writes_at_the_cost_it_was_created_or_opened_with() throws Exception {
    KeyEncryption cost = new KeyEncryption(1_234, 1_000);
    CaDirectory.InitOptions options = CaDirectory.InitOptions.defaults("Cost Test").withKeyEncryption(cost);

    try (CaDirectory created = CaDirectory.init(dir.resolve("cost"), PASSWORD, options, false, Clock.systemUTC())) {
      created.ocspSigner(Duration.ofDays(7), Duration.ofDays(1));
    }
    assertThat(iterations(dir.resolve("cost/root.key"))).isEqualTo(1_234);
    assertThat(iterations(dir.resolve("cost/intermediate.key"))).isEqualTo(1_234);
    assertThat(iterations(dir.resolve("cost/ocsp-signer.key"))).isEqualTo(1_234);

    Files.delete(dir.resolve("cost/ocsp-signer.pem"));
    try (CaDirectory opened = CaDirectory.open(dir.resolve("cost"), PASSWORD, new KeyEncryption(2_345, 1_000),
        Clock.systemUTC())) {
      opened.ocspSigner(Duration.ofDays(7), Duration.ofDays(1));
    }
    assertThat(iterations(dir.resolve("cost/ocsp-signer.key"))).isEqualTo(2_345);
  }

  @Test
  void lists_what_expires_within_a_window_and_not_what_was_revoked() {
    IssuedCertificate soon = ca.issue(CertificateSpec.client("CN=soon").validity(Duration.ofDays(5)).build());
    IssuedCertificate revoked = ca.issue(CertificateSpec.client("CN=revoked").validity(Duration.ofDays(5)).build());
    ca.issue(CertificateSpec.client("CN=later").validity(Duration.ofDays(60)).build());
    ca.revoke(revoked.certificate().getSerialNumber(), RevocationReason.SUPERSEDED);

    List<IndexEntry> expiring = ca.expiringWithin(Duration.ofDays(10));

    assertThat(expiring).extracting(IndexEntry::serial).containsExactly(soon.certificate().getSerialNumber());
  }

  @Test
  void refuses_before_signing_when_a_file_it_would_write_exists_and_records_nothing() throws Exception {
    Files.writeString(dir.resolve("web.pem"), "someone else's\n");
    Delivery delivery = new CredentialFiles(dir, "web", Existing.REFUSE).delivery(null, false, Pkcs12.Profile.MODERN,
        KeyEncryption.forTests());

    assertThatThrownBy(() -> ca.issue(CertificateSpec.client("CN=web").build(), delivery))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage(dir.resolve("web.pem") + ": already exists; nothing was issued. Choose another name or directory,"
            + " or --force to overwrite it");
    assertThat(ca.entries()).isEmpty();
    assertThat(dir.resolve("web.key")).doesNotExist();
    assertThat(Files.readString(dir.resolve("web.pem"))).isEqualTo("someone else's\n");
  }

  @Test
  void records_a_certificate_only_once_its_files_are_written_and_takes_back_those_written_when_one_fails()
      throws Exception {
    Files.createDirectories(dir.resolve("web-chain.pem/in-the-way"));
    Delivery delivery = new CredentialFiles(dir, "web", Existing.REPLACE).delivery(null, false, Pkcs12.Profile.MODERN,
        KeyEncryption.forTests());

    assertThatThrownBy(() -> ca.issue(CertificateSpec.client("CN=web").build(), delivery))
        .isInstanceOf(UncheckedIOException.class)
        .hasMessageStartingWith(dir.resolve("web-chain.pem") + ": cannot write");
    assertThat(ca.entries()).isEmpty();
    assertThat(dir.resolve("web.key")).doesNotExist();
    assertThat(dir.resolve("web.pem")).doesNotExist();
    assertThat(names(dir.resolve("ca/certs"))).isEmpty();
  }

  @Test
  void a_certificate_whose_record_fails_is_taken_back_from_the_files_it_was_written_to() throws Exception {
    IssuedCertificate alice = ca.issue(CertificateSpec.client("CN=alice").build());
    Path index = dir.resolve("ca/index.tsv");
    String corrupt = Files.readString(index).replace("\tV\t", "\tX\t");
    Files.writeString(index, corrupt);
    CredentialFiles files = new CredentialFiles(dir, "web", Existing.REFUSE);

    assertThatThrownBy(() -> ca.issue(CertificateSpec.client("CN=web").build(), files.delivery(false)))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("corrupt index line");
    assertThat(files.certificate()).doesNotExist();
    assertThat(files.chain()).doesNotExist();
    assertThat(Files.readString(index)).isEqualTo(corrupt);
    assertThat(names(dir.resolve("ca/certs"))).containsExactly(alice.certificate().getSerialNumber().toString(16)
        + ".pem");
  }

  @Test
  void holds_the_ca_lock_from_the_check_of_the_files_to_the_record() {
    List<RuntimeException> refused = new ArrayList<>();
    Delivery delivery = new Delivery() {
      @Override
      public void check() {}

      @Override
      public List<Path> files() {
        return List.of();
      }

      @Override
      public List<Path> write(IssuedCertificate issued) {
        try (CaDirectory other = CaDirectory.open(dir.resolve("ca"), PASSWORD, Clock.systemUTC())) {
          other.issue(CertificateSpec.client("CN=meanwhile").build());
        } catch (RuntimeException e) {
          refused.add(e);
        }
        return List.of();
      }
    };

    ca.issue(CertificateSpec.client("CN=web").build(), delivery);

    assertThat(refused).singleElement().satisfies(e -> assertThat(e)
        .hasMessage(dir.resolve("ca") + ": another pki command is changing this CA; try again"));
    assertThat(ca.entries()).extracting(IndexEntry::subject).containsExactly("CN=web");
  }

  private static List<String> names(Path directory) throws IOException {
    try (Stream<Path> files = Files.list(directory)) {
      return files.map(file -> file.getFileName().toString()).toList();
    }
  }

  private static int iterations(Path encryptedKey) throws Exception {
    try (PemReader reader = new PemReader(Files.newBufferedReader(encryptedKey))) {
      EncryptedPrivateKeyInfo info = EncryptedPrivateKeyInfo.getInstance(reader.readPemObject().getContent());
      PBES2Parameters pbes2 = PBES2Parameters.getInstance(info.getEncryptionAlgorithm().getParameters());
      return PBKDF2Params.getInstance(pbes2.getKeyDerivationFunc().getParameters()).getIterationCount().intValue();
    }
  }
}
