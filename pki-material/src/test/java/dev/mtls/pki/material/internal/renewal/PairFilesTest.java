package dev.mtls.pki.material.internal.renewal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mtls.pki.material.Identity;
import dev.mtls.pki.material.renewal.RenewalFailure;
import dev.mtls.testing.pki.Issued;
import dev.mtls.testing.pki.Pems;
import dev.mtls.testing.pki.TestPki;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PairFilesTest {
  @TempDir
  Path directory;
  private final TestPki pki = TestPki.create();
  private final Issued current = pki.client("CN=current,O=mtls-reference test");
  private final Issued next = pki.client("CN=current,O=mtls-reference test");

  @Test
  void replaces_the_pair_with_a_matching_one() throws Exception {
    Issued.PemFiles files = current.writePem(directory, "me");
    PairFiles pair = new PairFiles(files.chain(), files.key(), null);

    pair.replace(next.chain(), next.privateKey());

    assertThat(pair.load().certificate()).isEqualTo(next.certificate());
    try (var listing = Files.list(directory)) {
      assertThat(listing.map(p -> p.getFileName().toString())).noneMatch(name -> name.contains("renewing"));
    }
  }

  @Test
  void a_failed_write_leaves_the_current_pair_and_no_staged_key() throws Exception {
    Issued.PemFiles files = current.writePem(directory, "me");
    Path blocker = directory.resolve("me-chain.pem.renewing");
    Files.createDirectories(blocker.resolve("in-the-way"));
    PairFiles pair = new PairFiles(files.chain(), files.key(), null);

    assertThatThrownBy(() -> pair.replace(next.chain(), next.privateKey()))
        .isInstanceOfSatisfying(EnrolmentException.class,
            e -> assertThat(e.reason()).isEqualTo(RenewalFailure.WRITE_FAILED))
        .hasMessageContaining("the current ones stay");

    assertThat(pair.load().certificate()).isEqualTo(current.certificate());
    assertThat(directory.resolve("me.key.renewing")).doesNotExist();
  }

  @Test
  void completes_a_replacement_interrupted_after_the_key_moved() throws Exception {
    Issued.PemFiles files = current.writePem(directory, "me");
    Files.writeString(files.key(), Pems.of(next.privateKey()));
    Files.writeString(directory.resolve("me-chain.pem.renewing"), Pems.of(next.chain()));
    PairFiles pair = new PairFiles(files.chain(), files.key(), null);

    assertThat(pair.completeInterrupted()).isTrue();

    Identity loaded = Identity.loadPem(files.chain(), files.key(), null);
    assertThat(loaded.certificate()).isEqualTo(next.certificate());
  }

  @Test
  void drops_a_key_staged_without_its_chain() throws Exception {
    Issued.PemFiles files = current.writePem(directory, "me");
    Files.writeString(directory.resolve("me.key.renewing"), Pems.of(next.privateKey()));
    PairFiles pair = new PairFiles(files.chain(), files.key(), null);

    assertThat(pair.completeInterrupted()).isFalse();

    assertThat(pair.load().certificate()).isEqualTo(current.certificate());
    assertThat(directory.resolve("me.key.renewing")).doesNotExist();
  }
}
