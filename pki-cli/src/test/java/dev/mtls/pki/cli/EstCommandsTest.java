package dev.mtls.pki.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mtls.pki.Csr;
import dev.mtls.pki.material.Pem;
import dev.mtls.testing.peers.FreePort;
import dev.mtls.testing.pki.Keys;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import javax.security.auth.x500.X500Principal;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.est.ESTService;
import org.bouncycastle.est.HttpAuth;
import org.bouncycastle.est.jcajce.JsseESTServiceBuilder;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.junit.jupiter.api.Test;

/** {@code pki token}, {@code pki serve --est-port} and {@code pki issue --lifetime}. */
class EstCommandsTest extends PkiCliTestBase {
  private static final Pattern ID = Pattern.compile("id: +(\\p{XDigit}+)");
  private static final Pattern SECRET = Pattern.compile("secret: +([A-Za-z0-9_-]+)");

  @Test
  void token_prints_its_secret_once_and_the_ca_keeps_only_its_hash() throws Exception {
    Run token = run("token", "client", "--dir", ca.toString(), "--password-file", password.toString(), "--subject",
        "CN=device-1,O=Example", "--san", "dns:device-1.example.org", "--valid-for", "30m");

    assertThat(token.exit()).as(token.err()).isZero();
    String secret = group(SECRET, token.out());
    assertThat(Base64.getUrlDecoder().decode(secret)).hasSizeGreaterThanOrEqualTo(16);
    String stored = Files.readString(ca.resolve("enrolment-tokens.tsv"));
    assertThat(stored).contains(group(ID, token.out())).doesNotContain(secret)
        .contains(Base64.getUrlEncoder().withoutPadding().encodeToString(MessageDigest.getInstance("SHA-256")
            .digest(secret.getBytes(StandardCharsets.US_ASCII))));
  }

  @Test
  void token_refuses_a_validity_that_is_not_a_duration_in_one_line() {
    Run token = run("token", "--dir", ca.toString(), "--password-file", password.toString(), "--subject", "CN=x",
        "--valid-for", "soon");

    assertThat(token.exit()).isEqualTo(1);
    assertThat(token.err()).startsWith("error: --valid-for ").contains("got 'soon'").hasLineCount(1);
  }

  @Test
  void issue_with_a_lifetime_is_valid_for_exactly_that_long() throws Exception {
    Run issued = run("issue", "client", "--dir", ca.toString(), "--password-file", password.toString(), "--name",
        "short", "--lifetime", "10m", "--out", dir.toString());

    assertThat(issued.exit()).as(issued.err()).isZero();
    X509Certificate certificate = Pem.loadCertificates(dir.resolve("short.pem")).get(0);
    assertThat(Duration.between(certificate.getNotBefore().toInstant(), certificate.getNotAfter().toInstant()))
        .isEqualTo(Duration.ofMinutes(10));
  }

  @Test
  void issue_never_outlives_the_ca_and_refuses_two_validities() {
    Run issued = run("issue", "client", "--dir", ca.toString(), "--password-file", password.toString(), "--name",
        "long", "--lifetime", "100000d", "--out", dir.toString());
    Run both = run("issue", "client", "--dir", ca.toString(), "--password-file", password.toString(), "--name",
        "both", "--lifetime", "1h", "--days", "1", "--out", dir.toString());

    assertThat(issued.exit()).as(issued.err()).isZero();
    X509Certificate intermediate = Pem.loadCertificates(ca.resolve("intermediate.pem")).get(0);
    assertThat(Pem.loadCertificates(dir.resolve("long.pem")).get(0).getNotAfter())
        .isEqualTo(intermediate.getNotAfter());
    assertThat(both.exit()).isEqualTo(1);
    assertThat(both.err()).contains("--days and --lifetime").hasLineCount(1);
  }

  @Test
  void serve_with_an_est_port_enrolls_a_token_over_https_and_keeps_its_server_certificate() throws Exception {
    int port = FreePort.pick();
    Run token = run("token", "--dir", ca.toString(), "--password-file", password.toString(), "--subject",
        "CN=sensor-7,O=Example");
    String serial;
    try (ServedCommand serve = new ServedCommand("serve", "--dir", ca.toString(), "--password-file",
        password.toString(), "--port", String.valueOf(FreePort.pick()), "--est-port", String.valueOf(port),
        "--est-lifetime", "2h")) {
      String printed = serve.awaitOutput("EST (RFC 7030):");
      serial = group(Pattern.compile("server certificate serial (\\p{XDigit}+)"), printed);
      ESTService est = new JsseESTServiceBuilder("localhost:" + port, trusting(ca.resolve("root.pem"))).build();

      X509CertificateHolder enrolled = est.simpleEnroll(false, new PKCS10CertificationRequest(Csr.create(Keys.ec(),
          new X500Principal("CN=sensor-7,O=Example"), List.of()).encoded()),
          new HttpAuth(group(ID, token.out()), group(SECRET, token.out()).toCharArray())).getStore().getMatches(null)
          .iterator().next();

      assertThat(printed).contains("https://127.0.0.1:" + port + "/.well-known/est");
      assertThat(Duration.between(enrolled.getNotBefore().toInstant(), enrolled.getNotAfter().toInstant()))
          .isEqualTo(Duration.ofHours(2));
      assertThat(serve.awaitOutput("EST enroll: issued serial")).contains("to CN=sensor-7,O=Example");
      assertThat(recorded()).anyMatch(e -> e.serial().equals(enrolled.getSerialNumber()));
    }
    assertThat(Files.getPosixFilePermissions(ca.resolve("est-server.key")))
        .isEqualTo(Set.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE));
    try (ServedCommand again = new ServedCommand("serve", "--dir", ca.toString(), "--password-file",
        password.toString(), "--port", String.valueOf(FreePort.pick()), "--est-port", "0")) {
      assertThat(again.awaitOutput("EST (RFC 7030):")).contains("server certificate serial " + serial + " ");
    }
  }

  private static String group(Pattern pattern, String text) {
    Matcher matcher = pattern.matcher(text);
    assertThat(matcher.find()).as(pattern + " in " + text).isTrue();
    return matcher.group(1);
  }

  private static X509TrustManager trusting(Path root) throws Exception {
    KeyStore anchors = KeyStore.getInstance("PKCS12");
    anchors.load(null, null);
    anchors.setCertificateEntry("root", Pem.loadCertificates(root).get(0));
    TrustManagerFactory factory = TrustManagerFactory.getInstance("PKIX");
    factory.init(anchors);
    return (X509TrustManager) factory.getTrustManagers()[0];
  }
}
