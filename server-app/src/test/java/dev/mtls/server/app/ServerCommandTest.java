package dev.mtls.server.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mtls.pki.material.KeyEncryption;
import dev.mtls.pki.material.Pem;
import dev.mtls.pki.material.settings.Setting;
import dev.mtls.server.testing.ServerFixture;
import dev.mtls.testing.pki.Issued;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Start-up fails fast: one line on stderr naming the problem, no stack trace, exit status 2. */
class ServerCommandTest {
  static final ServerFixture pki = new ServerFixture();
  @TempDir Path dir;
  Path config;

  @BeforeEach
  void writeMaterial() throws IOException {
    Files.writeString(dir.resolve("tls.crt"), Pem.encode(pki.server.chain()));
    Files.writeString(dir.resolve("tls.key"), Pem.encode(pki.server.privateKey()));
    Files.writeString(dir.resolve("ca.crt"), Pem.encode(pki.root.certificate()));
    Files.writeString(dir.resolve("roles.conf"), ServerFixture.ROLES);
    config = Files.writeString(dir.resolve("server.conf"), """
        certificate = tls.crt
        key = tls.key
        trust = ca.crt
        roles = roles.conf
        port = 0
        management-port = -1
        """);
  }

  @Test
  void help_describes_every_option() {
    StringWriter out = new StringWriter();
    int status = ServerCommand.execute(new String[] {"--help"}, new PrintWriter(out), new PrintWriter(new StringWriter()));

    assertThat(status).isZero();
    assertThat(out.toString()).contains("--key-password-file=FILE", "file whose first line is")
        .doesNotContain("--key-password=");
  }

  @Test
  void missing_file() {
    assertFailsWith("mtls-server: " + dir.resolve("absent.crt") + ": file not found",
        "--certificate", dir.resolve("absent.crt").toString());
  }

  @Test
  void wrong_password() throws IOException {
    Files.writeString(dir.resolve("tls.key"), Pem.encodeEncrypted(pki.server.privateKey(),
        "right".toCharArray(), KeyEncryption.forTests()));
    Files.writeString(dir.resolve("pw"), "wrong\n");

    assertFailsWith("mtls-server: " + dir.resolve("tls.key") + ": cannot decrypt the private key: wrong password?",
        "--key-password-file", dir.resolve("pw").toString());
  }

  @Test
  void key_not_matching_certificate() throws IOException {
    Files.writeString(dir.resolve("tls.key"), Pem.encode(pki.alice.privateKey()));

    assertFailsWith("mtls-server: " + dir.resolve("tls.crt") + " with key " + dir.resolve("tls.key")
        + ": the private key does not match the certificate CN=localhost,O=mtls-reference test");
  }

  @Test
  void expired_server_certificate() throws IOException {
    Issued expired = pki.issuing.issue("CN=localhost,O=mtls-reference test").server().expired().build();
    Files.writeString(dir.resolve("tls.crt"), Pem.encode(expired.chain()));
    Files.writeString(dir.resolve("tls.key"), Pem.encode(expired.privateKey()));

    assertFailsWith("mtls-server: " + dir.resolve("tls.crt") + ": expired: the server certificate"
        + " \"CN=localhost,O=mtls-reference test\" expired on "
        + expired.certificate().getNotAfter().toInstant().truncatedTo(java.time.temporal.ChronoUnit.SECONDS));
  }

  @Test
  void no_trust_anchors() throws IOException {
    Files.writeString(dir.resolve("ca.crt"), "# nothing here yet\n");

    assertFailsWith("mtls-server: " + dir.resolve("ca.crt")
        + ": no PEM certificate found (expected -----BEGIN CERTIFICATE-----)");
  }

  @Test
  void bad_rules_file() throws IOException {
    Files.writeString(dir.resolve("roles.conf"), "admin subject.OU=admins\n\nreader subject.XX=readers\n");

    assertFailsWith("mtls-server: " + dir.resolve("roles.conf") + ":3: unknown attribute 'XX'; expected one of CN,"
        + " OU, O, L, ST, C, DC, UID, SERIALNUMBER, EMAILADDRESS, STREET, T");
  }

  @Test
  void port_in_use() throws IOException {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      assertFailsWith("mtls-server: cannot listen for HTTPS on 127.0.0.1:" + taken.getLocalPort()
          + ": the port is already in use", "--port", String.valueOf(taken.getLocalPort()));
    }
  }

  @Test
  void unknown_configuration_key() throws IOException {
    Files.writeString(config, Files.readString(config) + "colour = blue\n");

    assertFailsWith("mtls-server: " + config + ":7: unknown key 'colour'; expected one of "
        + String.join(", ", ServerConfig.keys().stream().map(Setting::key).toList()));
  }

  @Test
  void password_written_in_the_configuration() throws IOException {
    Files.writeString(config, Files.readString(config) + "key-password = hunter2\n");

    assertFailsWith("mtls-server: " + config + ":7: passwords are not written in the configuration; use "
        + "key-password-file or key-password-env");
  }

  @Test
  void invalid_value_on_the_command_line() {
    assertFailsWith("mtls-server: --client-auth 'optional': expected required or requested",
        "--client-auth", "optional");
  }

  @Test
  void an_ocsp_responder_that_is_not_an_http_url_is_named() {
    assertFailsWith("mtls-server: --ocsp 'ldap://ca.example/ocsp': OCSP responder must be an absolute http:// or"
        + " https:// URL, got \"ldap://ca.example/ocsp\"", "--ocsp", "ldap://ca.example/ocsp");
    assertFailsWith("mtls-server: --crl-url 'http://ca.example/ok.crl,file:///etc/crl.pem': CRL URL must be an"
        + " absolute http:// or https:// URL, got \"file:///etc/crl.pem\"", "--crl-url",
        "http://ca.example/ok.crl,file:///etc/crl.pem");
  }

  @Test
  void a_revocation_setting_without_a_revocation_source_is_refused() {
    assertFailsWith("mtls-server: --revocation-timeout '1s': no revocation source is configured for it to apply to:"
        + " set ocsp, crl-distribution-points or crl-url", "--revocation-timeout", "1s");
  }

  @Test
  void an_unknown_unavailable_policy_and_a_zero_timeout_are_named() {
    assertFailsWith("mtls-server: --revocation-unavailable 'maybe': expected hard-fail or soft-fail", "--ocsp", "aia",
        "--revocation-unavailable", "maybe");
    assertFailsWith("mtls-server: --revocation-timeout '0s': must be a positive duration, such as 2s", "--ocsp",
        "aia", "--revocation-timeout", "0s");
  }

  @Test
  void a_balancer_named_by_host_name_is_refused() {
    assertFailsWith("mtls-server: --proxy-protocol-from 'lb.example.org': 'lb.example.org' is not an IP address or"
        + " network (names are not resolved: write the balancer's address, e.g. 10.0.0.5 or 10.0.0.0/24)",
        "--proxy-protocol-from", "lb.example.org");
  }

  @Test
  void the_removed_trusted_proxy_roles_option_says_why_and_a_proxy_key_must_be_a_fingerprint() {
    assertFailsWith("mtls-server: --trusted-proxy-roles: trusted-proxy-roles was removed: name rules cannot identify"
        + " a proxy (a CA that signs CN=* issues a certificate named like it to anyone, who could then forward any"
        + " client's public certificate); pin the proxy's key with trusted-proxy-keys = the SHA-256 of its public key"
        + " (openssl x509 -in proxy.pem -noout -pubkey | openssl pkey -pubin -outform der | sha256sum)",
        "--trusted-proxy-roles", "proxy");
    assertFailsWith("mtls-server: --trusted-proxy-keys 'edge-proxy': 'edge-proxy' is not a SHA-256 fingerprint (64"
        + " hex digits, colons allowed)", "--trusted-proxy-keys", "edge-proxy");
  }

  @Test
  void the_conscrypt_engine_without_its_jar_says_how_to_add_it_and_with_tls12_why_not() {
    assertFailsWith("mtls-server: tls-engine conscrypt needs Conscrypt on the class path: run java -cp <this jar>:"
        + "conscrypt-openjdk-uber-<version>.jar <main class> (see docs/performance.md), or use the jdk engine",
        "--tls-engine", "conscrypt", "--protocols", "TLSv1.3");
    assertFailsWith("mtls-server: tls-engine conscrypt serves TLS 1.3 only: in TLS 1.2 BoringSSL accepts SHA-1"
        + " signatures from clients, which Conscrypt gives no way to refuse; set protocols to TLSv1.3, or use the"
        + " jdk engine", "--tls-engine", "conscrypt");
  }

  private void assertFailsWith(String line, String... extraArgs) {
    List<String> args = new ArrayList<>(List.of("--config", config.toString()));
    args.addAll(List.of(extraArgs));
    StringWriter err = new StringWriter();

    int status = ServerCommand.execute(args.toArray(new String[0]), new PrintWriter(new StringWriter()),
        new PrintWriter(err, true));

    assertThat(status).isEqualTo(2);
    assertThat(err.toString()).isEqualTo(line + System.lineSeparator());
  }
}
