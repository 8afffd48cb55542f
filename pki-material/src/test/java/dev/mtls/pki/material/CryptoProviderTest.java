package dev.mtls.pki.material;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.Security;
import java.util.List;
import org.junit.jupiter.api.Test;

class CryptoProviderTest {
  @Test
  void parses_jdk_and_accp_in_any_case_and_refuses_anything_else() {
    assertThat(CryptoProvider.parse("jdk")).isEqualTo(CryptoProvider.JDK);
    assertThat(CryptoProvider.parse(" ACCP ")).isEqualTo(CryptoProvider.ACCP);
    assertThatThrownBy(() -> CryptoProvider.parse("bc\n")).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("expected jdk or accp, not 'bc\\u000A'");
  }

  @Test
  void the_jdk_provider_changes_nothing_and_names_the_first_provider() {
    String first = Security.getProviders()[0].getName();

    assertThat(CryptoProvider.JDK.install()).startsWith(first + " ");
    assertThat(Security.getProviders()[0].getName()).isEqualTo(first);
  }

  @Test
  void accp_without_its_jar_on_the_class_path_says_what_to_run_and_installs_nothing() {
    String first = Security.getProviders()[0].getName();

    assertThatThrownBy(CryptoProvider.ACCP::install).isInstanceOf(KeyMaterialException.class)
        .hasMessageContaining("needs Amazon Corretto Crypto Provider on the class path")
        .hasMessageContaining("AmazonCorrettoCryptoProvider-<version>-linux-x86_64.jar");
    assertThat(Security.getProviders()[0].getName()).isEqualTo(first);
  }

  @Test
  void accp_is_refused_in_an_appcds_training_run_below_jdk_25_where_it_crashes_the_jvm() {
    assertThat(CryptoProvider.crashingCombination(17, List.of("-Xmx128m", "-XX:ArchiveClassesAtExit=app.jsa")))
        .hasValueSatisfying(problem -> assertThat(problem)
            .startsWith("the crypto provider accp cannot be used in an AppCDS training run"
                + " (-XX:ArchiveClassesAtExit=app.jsa) on JDK 17")
            .contains("train the archive with the jdk provider, or use JDK 25"));
    assertThat(CryptoProvider.crashingCombination(21, List.of("-Xshare:dump"))).isPresent();
    assertThat(CryptoProvider.crashingCombination(17, List.of("-XX:+AutoCreateSharedArchive"))).isPresent();
  }

  @Test
  void accp_is_not_refused_with_an_archive_in_use_or_on_jdk_25() {
    assertThat(CryptoProvider.crashingCombination(17, List.of("-XX:SharedArchiveFile=app.jsa", "-Xmx128m"))).isEmpty();
    assertThat(CryptoProvider.crashingCombination(25, List.of("-XX:ArchiveClassesAtExit=app.jsa"))).isEmpty();
  }
}
