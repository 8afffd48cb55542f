package dev.mtls.pki;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mtls.testing.peers.ExternalProcess.Result;
import dev.mtls.testing.peers.Jdk;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The JDK's keytool reads pki's PKCS#12 files, as Java servers configured with a keystore path will. */
class KeytoolInteropTest {
  private static final String PASSWORD = "keytool-password";

  @TempDir Path directory;

  @Test
  void keytool_lists_the_key_entry_under_its_friendly_name() throws Exception {
    CertificateAuthority intermediate = CertificateAuthority.createRoot("CN=Keytool Root")
        .createIntermediate("CN=Keytool Intermediate");
    IssuedCertificate alice = intermediate.issue(CertificateSpec.client("CN=alice,OU=admins").build());
    Files.write(directory.resolve("alice.p12"),
        Pkcs12.keyStore(alice.identity(), PASSWORD.toCharArray(), "alice", Pkcs12.Profile.MODERN));
    Files.writeString(directory.resolve("pw"), PASSWORD + "\n");

    Result list = Jdk.keytool(directory, "-list", "-v", "-keystore", "alice.p12", "-storetype", "PKCS12",
        "-storepass:file", "pw");

    assertThat(list.exitCode()).as(list.toString()).isZero();
    assertThat(list.output())
        .contains("Your keystore contains 1 entry")
        .contains("Alias name: alice")
        .contains("Entry type: PrivateKeyEntry")
        .contains("Certificate chain length: 2")
        .contains("Owner: CN=alice, OU=admins")
        .contains("Owner: CN=Keytool Intermediate");
  }

  @Test
  void keytool_lists_the_truststore_entries_as_trusted() throws Exception {
    CertificateAuthority root = CertificateAuthority.createRoot("CN=Keytool Trust Root");
    Files.write(directory.resolve("trust.p12"), Pkcs12.trustStore(List.of(root.certificate()), PASSWORD.toCharArray()));
    Files.writeString(directory.resolve("pw"), PASSWORD + "\n");

    Result list = Jdk.keytool(directory, "-list", "-keystore", "trust.p12", "-storetype", "PKCS12",
        "-storepass:file", "pw");

    assertThat(list.exitCode()).as(list.toString()).isZero();
    assertThat(list.output()).contains("Your keystore contains 1 entry").contains("trustedCertEntry");
  }

  @Test
  void keytool_refuses_the_wrong_password() throws Exception {
    CertificateAuthority root = CertificateAuthority.createRoot("CN=Keytool Root");
    IssuedCertificate bob = root.issue(CertificateSpec.client("CN=bob").build());
    Files.write(directory.resolve("bob.p12"),
        Pkcs12.keyStore(bob.identity(), PASSWORD.toCharArray(), "bob", Pkcs12.Profile.MODERN));
    Files.writeString(directory.resolve("pw"), "wrong\n");

    Result list = Jdk.keytool(directory, "-list", "-keystore", "bob.p12", "-storetype", "PKCS12",
        "-storepass:file", "pw");

    assertThat(list.exitCode()).isNotZero();
    assertThat(list.output()).contains("keystore password was incorrect");
  }
}
