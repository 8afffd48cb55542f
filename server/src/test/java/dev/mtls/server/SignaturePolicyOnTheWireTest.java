package dev.mtls.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mtls.server.testing.ServerFixture;
import dev.mtls.testing.peers.Peer;
import dev.mtls.testing.peers.RequiresPeer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What the server says on the wire, read by a third party ({@code openssl s_client -trace}): the signature schemes
 * its CertificateRequest accepts for client certificates, and the key-exchange groups and TLS 1.2 signature schemes
 * it agrees to. The algorithm policy must hold there exactly as in path validation, on every JDK.
 */
@RequiresPeer(Peer.OPENSSL)
class SignaturePolicyOnTheWireTest {
  private static final Set<String> ALLOWED = Set.of("ecdsa_secp256r1_sha256", "ecdsa_secp384r1_sha384",
      "ecdsa_secp521r1_sha512", "ed25519", "rsa_pss_rsae_sha256", "rsa_pss_rsae_sha384", "rsa_pss_rsae_sha512",
      "rsa_pss_pss_sha256", "rsa_pss_pss_sha384", "rsa_pss_pss_sha512", "rsa_pkcs1_sha256", "rsa_pkcs1_sha384",
      "rsa_pkcs1_sha512");
  private static final Pattern SCHEME = Pattern.compile("^\\s+([a-z0-9_]+) \\(0x[0-9a-f]{4}\\)$");
  static final ServerFixture pki = new ServerFixture();
  static MtlsServer server;

  @TempDir
  static Path dir;

  @BeforeAll
  static void start() {
    server = pki.serverBuilder().build().start();
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @ParameterizedTest
  @ValueSource(strings = {"-tls1_3", "-tls1_2"})
  void the_certificate_request_offers_no_sha1_sha224_dsa_or_ed448_scheme(String version) throws Exception {
    List<String> schemes = certificateRequestSchemes(openssl("s_client", "-connect", "127.0.0.1:" + server.port(),
        "-trace", version));

    assertThat(schemes).contains("ecdsa_secp256r1_sha256", "rsa_pss_rsae_sha256").isSubsetOf(ALLOWED);
  }

  @Test
  void refuses_key_exchange_over_groups_outside_the_policy() throws Exception {
    for (String group : List.of("x448", "ffdhe2048")) {
      String trace = openssl("s_client", "-connect", "127.0.0.1:" + server.port(), "-trace", "-tls1_3",
          "-groups", group);
      assertThat(trace).as(group).doesNotContain("ServerHello, Length");
    }
  }

  @Test
  void refuses_a_tls12_client_that_only_offers_sha1_signatures() throws Exception {
    String trace = openssl("s_client", "-connect", "127.0.0.1:" + server.port(), "-trace", "-tls1_2",
        "-sigalgs", "ECDSA+SHA1:RSA+SHA1");

    assertThat(trace).doesNotContain("ServerKeyExchange, Length");
  }

  /** The scheme names listed in the CertificateRequest message of an openssl trace. */
  static List<String> certificateRequestSchemes(String trace) {
    List<String> schemes = new ArrayList<>();
    boolean inRequest = false;
    for (String line : trace.split("\n")) {
      if (line.contains("CertificateRequest, Length")) {
        inRequest = true;
      } else if (inRequest && (line.isBlank() || line.contains("Length=") && !line.contains("extension_type"))) {
        break;
      } else if (inRequest) {
        Matcher matcher = SCHEME.matcher(line);
        if (matcher.matches()) {
          schemes.add(matcher.group(1));
        }
      }
    }
    assertThat(inRequest).as("a CertificateRequest in:\n%s", trace).isTrue();
    return schemes;
  }

  /** Runs openssl with no input (so s_client ends after the handshake) and returns its standard output. */
  private static String openssl(String... arguments) {
    return Peer.OPENSSL.run(dir, arguments).stdout();
  }
}
