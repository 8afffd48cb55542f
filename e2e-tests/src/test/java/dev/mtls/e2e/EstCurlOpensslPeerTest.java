package dev.mtls.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mtls.pki.cli.PkiCommand;
import dev.mtls.pki.material.KeyEncryption;
import dev.mtls.pki.material.Pem;
import dev.mtls.testing.Eventually;
import dev.mtls.testing.peers.ExternalProcess.Result;
import dev.mtls.testing.peers.FreePort;
import dev.mtls.testing.peers.Peer;
import dev.mtls.testing.peers.RequiresPeer;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.security.auth.x500.X500Principal;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code pki serve --est-port} as plain tools speak EST (RFC 7030): openssl makes a PKCS#10 request, curl posts it
 * base64-encoded to simpleenroll with the token as HTTP Basic credentials (then to simplereenroll with the
 * certificate it got as its TLS client certificate), and {@code openssl pkcs7 -print_certs} reads the certs-only
 * PKCS#7 that comes back.
 */
@RequiresPeer({Peer.CURL, Peer.OPENSSL})
class EstCurlOpensslPeerTest {
  private static final String SUBJECT = "CN=curl-device,O=Example";

  @TempDir Path dir;
  private Thread serve;
  private final StringWriter served = new StringWriter();
  private int estPort;

  @BeforeEach
  void serve() {
    assertThat(pki(new StringWriter(), "init", "--dir", "ca", "--password-file", password())).isZero();
    estPort = FreePort.pick();
    CommandLine commandLine = commandLine(served);
    String[] args = {"serve", "--dir", dir.resolve("ca").toString(), "--password-file", password(), "--port",
        String.valueOf(FreePort.pick()), "--est-port", String.valueOf(estPort)};
    serve = new Thread(() -> commandLine.execute(args), "pki-serve-under-test");
    serve.start();
    Eventually.within(Duration.ofSeconds(30)).await("pki serve to listen", served::toString,
        printed -> printed.contains("EST (RFC 7030):"));
  }

  @AfterEach
  void stop() throws InterruptedException {
    serve.interrupt();
    serve.join(10_000);
  }

  @Test
  void curl_and_openssl_enroll_with_a_token_and_reenroll_with_the_certificate() throws Exception {
    StringWriter token = new StringWriter();
    assertThat(pki(token, "token", "--dir", "ca", "--password-file", password(), "--subject", SUBJECT, "--san",
        "dns:curl.example.org")).isZero();
    String credentials = group("id: +(\\S+)", token.toString()) + ":" + group("secret: +(\\S+)", token.toString());

    request("first", "/O=Example/CN=curl-device", "DNS:curl.example.org");
    Result enrolled = curl("simpleenroll", "first", "-u", credentials);
    List<X509Certificate> chain = printCerts("first");

    assertThat(enrolled.stdout()).as(enrolled.describe()).isEqualTo("200");
    assertThat(chain.get(0).getSubjectX500Principal()).isEqualTo(new X500Principal(SUBJECT));
    assertThat(chain.get(1)).isEqualTo(Pem.loadCertificates(dir.resolve("ca/intermediate.pem")).get(0));

    request("second", "/O=Example/CN=curl-device", "DNS:curl.example.org");
    Result reenrolled = curl("simplereenroll", "second", "--cert", "first-chain.pem", "--key", "first.key");
    List<X509Certificate> renewed = printCerts("second");

    assertThat(reenrolled.stdout()).as(reenrolled.describe()).isEqualTo("200");
    assertThat(renewed.get(0).getSubjectX500Principal()).isEqualTo(new X500Principal(SUBJECT));
    assertThat(renewed.get(0).getSerialNumber()).isNotEqualTo(chain.get(0).getSerialNumber());

    request("third", "/O=Example/CN=curl-device", "DNS:curl.example.org");
    Result reused = curl("simpleenroll", "third", "-u", credentials);

    assertThat(reused.stdout()).isEqualTo("401");
    assertThat(Files.readString(dir.resolve("third.p7.b64"))).startsWith("USED_TOKEN: ");
  }

  @Test
  void cacerts_is_the_issuing_ca_and_the_root_for_openssl() throws Exception {
    Result cacerts = Peer.CURL.run(dir, "--silent", "--show-error", "--cacert", "ca/root.pem", "-o", "cacerts.p7.b64",
        "-w", "%{http_code}", url("cacerts"));
    openssl("base64", "-d", "-in", "cacerts.p7.b64", "-out", "cacerts.p7");
    openssl("pkcs7", "-inform", "DER", "-in", "cacerts.p7", "-print_certs", "-out", "cacerts.pem");

    assertThat(cacerts.stdout()).as(cacerts.describe()).isEqualTo("200");
    assertThat(Pem.loadCertificates(dir.resolve("cacerts.pem"))).containsExactlyInAnyOrder(
        Pem.loadCertificates(dir.resolve("ca/root.pem")).get(0),
        Pem.loadCertificates(dir.resolve("ca/intermediate.pem")).get(0));
  }

  /** NAME.key (P-256) and NAME.b64, the base64 DER request, made by openssl. */
  private void request(String name, String subject, String san) {
    openssl("req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", name + ".key",
        "-subj", subject, "-addext", "subjectAltName=" + san, "-outform", "DER", "-out", name + ".der");
    openssl("base64", "-in", name + ".der", "-out", name + ".b64");
  }

  /** Posts NAME.b64 to {@code operation}; the body comes back in NAME.p7.b64, the status on stdout. */
  private Result curl(String operation, String name, String... credentials) {
    List<String> arguments = new java.util.ArrayList<>(List.of("--silent", "--show-error", "--cacert", "ca/root.pem",
        "-H", "Content-Type: application/pkcs10", "--data-binary", "@" + name + ".b64", "-o", name + ".p7.b64", "-w",
        "%{http_code}"));
    arguments.addAll(List.of(credentials));
    arguments.add(url(operation));
    return Peer.CURL.run(dir, arguments.toArray(String[]::new));
  }

  /** NAME.p7.b64 as openssl reads it: the certificates, written to NAME-chain.pem. */
  private List<X509Certificate> printCerts(String name) {
    openssl("base64", "-d", "-in", name + ".p7.b64", "-out", name + ".p7");
    openssl("pkcs7", "-inform", "DER", "-in", name + ".p7", "-print_certs", "-out", name + "-chain.pem");
    return Pem.loadCertificates(dir.resolve(name + "-chain.pem"));
  }

  private void openssl(String... arguments) {
    Result result = Peer.OPENSSL.run(dir, arguments);
    assertThat(result.exitCode()).as(result.describe()).isZero();
  }

  private String url(String operation) {
    return "https://localhost:" + estPort + "/.well-known/est/" + operation;
  }

  private String password() {
    Path file = dir.resolve("password.txt");
    if (!Files.exists(file)) {
      try {
        Files.writeString(file, "est e2e\n");
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    }
    return file.toString();
  }

  private int pki(StringWriter out, String... args) {
    String[] inDir = args.clone();
    for (int i = 0; i < inDir.length; i++) {
      if (inDir[i].equals("ca")) {
        inDir[i] = dir.resolve("ca").toString();
      }
    }
    return commandLine(out).execute(inDir);
  }

  private static CommandLine commandLine(StringWriter out) {
    CommandLine commandLine = PkiCommand.commandLine(KeyEncryption.forTests());
    commandLine.setOut(new PrintWriter(out, true));
    commandLine.setErr(new PrintWriter(out, true));
    return commandLine;
  }

  private static String group(String regex, String text) {
    Matcher matcher = Pattern.compile(regex).matcher(text);
    assertThat(matcher.find()).as(regex + " in " + text).isTrue();
    return matcher.group(1);
  }
}
