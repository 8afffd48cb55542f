package dev.mtls.pki.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mtls.pki.CaDirectory;
import dev.mtls.pki.material.KeyEncryption;
import dev.mtls.pki.material.Pem;
import dev.mtls.testing.PlainHttp;
import dev.mtls.testing.peers.ExternalProcess.Result;
import dev.mtls.testing.peers.FreePort;
import dev.mtls.testing.peers.Peer;
import dev.mtls.testing.peers.RequiresPeer;
import java.io.ByteArrayInputStream;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Path;
import java.security.cert.CertificateFactory;
import java.security.cert.X509CRL;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * {@code pki serve} and {@code pki ocsp} publish the revocation status where a CA's certificates point, as openssl
 * checks it, until stopped; a port already taken or a validity that is not positive is one line.
 */
class ServeAndOcspCommandTest extends PkiCliTestBase {
  @RequiresPeer(Peer.OPENSSL)
  @Test
  void serve_publishes_the_status_the_urls_in_a_cas_certificates_point_at_until_stopped() throws Exception {
    int port = FreePort.pick();
    String base = "http://127.0.0.1:" + port;
    Path served = dir.resolve("served-ca");
    Run init = run("init", "--dir", served.toString(), "--password-file", password.toString(), "--crl-url",
        base + "/crl/issuing.crl", "--root-crl-url", base + "/crl/root.crl", "--ocsp-url", base + "/ocsp");
    assertThat(init.exit()).as(init.err()).isZero();
    run("issue", "client", "--dir", served.toString(), "--password-file", password.toString(), "--name", "dora",
        "--subject", "CN=dora", "--out", dir.toString());
    String root = served.resolve("root.pem").toString();
    String intermediate = served.resolve("intermediate.pem").toString();
    String ocspUrl = Peer.OPENSSL.run(dir, "x509", "-in", "dora.pem", "-noout", "-ocsp_uri").output().strip();

    try (ServedCommand serve = new ServedCommand("serve", "--dir", served.toString(), "--password-file", password.toString(),
        "--port", String.valueOf(port))) {
      String printed = serve.awaitOutput("root CA CRL:");
      // openssl fetches each CRL from the distribution point the checked certificate names.
      Result leafGood = Peer.OPENSSL.run(dir, "verify", "-crl_check", "-crl_download", "-CAfile", root, "-untrusted",
          intermediate, "dora.pem");
      Result intermediateGood = Peer.OPENSSL.run(dir, "verify", "-crl_check", "-crl_download", "-CAfile", root,
          intermediate);
      Run revoke = run("revoke", "--dir", served.toString(), "--password-file", password.toString(), "--serial",
          Pem.loadCertificates(dir.resolve("dora.pem")).get(0).getSerialNumber().toString(16));
      Result leafRevoked = Peer.OPENSSL.run(dir, "verify", "-crl_check", "-crl_download", "-CAfile", root, "-untrusted",
          intermediate, "dora.pem");
      Result ocsp = Peer.OPENSSL.run(dir, "ocsp", "-issuer", intermediate, "-cert", "dora.pem", "-url", ocspUrl,
          "-CAfile", served.resolve("ca-chain.pem").toString());

      assertThat(printed).contains("OCSP responder:  " + base + "/ocsp", "issuing CA CRL:  " + base
          + "/crl/issuing.crl", "root CA CRL:     " + base + "/crl/root.crl");
      assertThat(ocspUrl).isEqualTo(base + "/ocsp");
      assertThat(leafGood.output()).as(leafGood.toString()).isEqualTo("dora.pem: OK\n");
      assertThat(intermediateGood.output()).as(intermediateGood.toString()).isEqualTo(intermediate + ": OK\n");
      assertThat(revoke.exit()).as(revoke.err()).isZero();
      assertThat(leafRevoked.exitCode()).isNotZero();
      assertThat(leafRevoked.output()).contains("certificate revoked");
      assertThat(ocsp.output()).as(ocsp.toString()).contains("Response verify OK", "dora.pem: revoked");
      assertThat(serve.exit).isEqualTo(-1);
    }
    assertThat(Pem.loadCrls(served.resolve("crl.pem"))).hasSize(2);
  }

  @Test
  void serve_leaves_crl_pem_valid_as_long_as_crl_made_it_and_with_every_revocation() throws Exception {
    Path served = dir.resolve("file-ca");
    assertThat(run("init", "--dir", served.toString(), "--password-file", password.toString()).exit()).isZero();
    run("issue", "client", "--dir", served.toString(), "--password-file", password.toString(), "--name", "fay",
        "--subject", "CN=fay", "--out", dir.toString());
    BigInteger fay = Pem.loadCertificates(dir.resolve("fay.pem")).get(0).getSerialNumber();
    assertThat(run("crl", "--dir", served.toString(), "--password-file", password.toString(), "--days", "7").exit())
        .isZero();
    run("revoke", "--dir", served.toString(), "--password-file", password.toString(), "--serial", fay.toString(16));
    int port = FreePort.pick();

    X509CRL fetched;
    try (ServedCommand serve = new ServedCommand("serve", "--dir", served.toString(), "--password-file", password.toString(),
        "--port", String.valueOf(port), "--crl-validity", "1")) {
      serve.awaitOutput("root CA CRL:");
      PlainHttp.Response response = PlainHttp.get(URI.create("http://127.0.0.1:" + port + "/crl/issuing.crl"));
      fetched = (X509CRL) CertificateFactory.getInstance("X.509").generateCRL(new ByteArrayInputStream(
          response.bytes()));
    }
    X509CRL onFile = Pem.loadCrls(served.resolve("crl.pem")).get(0);

    assertThat(validity(fetched)).as("what serve hands out").isEqualTo(Duration.ofMinutes(1));
    assertThat(validity(onFile)).as("what servers read after serve stopped").isEqualTo(Duration.ofDays(7));
    assertThat(onFile.getRevokedCertificate(fay)).isNotNull();
  }

  @Test
  void revoking_the_ocsp_signer_makes_a_new_one_at_once_and_says_so() throws Exception {
    Path signing = dir.resolve("signer-ca");
    assertThat(run("init", "--dir", signing.toString(), "--password-file", password.toString()).exit()).isZero();
    BigInteger leaked;
    try (CaDirectory directory = CaDirectory.open(signing, "correct horse".toCharArray(), KeyEncryption.forTests(),
        Clock.systemUTC())) {
      leaked = directory.ocspSigner(Duration.ofDays(7), Duration.ofDays(1)).certificate().getSerialNumber();
    }

    Run revoke = run("revoke", "--dir", signing.toString(), "--password-file", password.toString(), "--serial",
        leaked.toString(16), "--reason", "keyCompromise");

    BigInteger replacement = Pem.loadCertificates(signing.resolve("ocsp-signer.pem")).get(0).getSerialNumber();
    assertThat(revoke.exit()).as(revoke.err()).isZero();
    assertThat(replacement).isNotEqualTo(leaked);
    assertThat(revoke.out()).contains("It was the delegated OCSP signer: a new one, serial "
        + replacement.toString(16) + ", signs from now on");
  }

  @Test
  void serve_says_in_one_line_that_its_port_is_taken_or_a_validity_is_not_positive() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      Run inUse = run("serve", "--dir", ca.toString(), "--password-file", password.toString(), "--port",
          String.valueOf(taken.getLocalPort()));
      Run zero = run("serve", "--dir", ca.toString(), "--password-file", password.toString(), "--crl-validity",
          "0");

      assertThat(inUse.exit()).isEqualTo(1);
      assertThat(inUse.err()).isEqualTo("error: 127.0.0.1:" + taken.getLocalPort() + ": cannot listen: Address"
          + " already in use" + System.lineSeparator());
      assertThat(zero.exit()).isEqualTo(1);
      assertThat(zero.err()).isEqualTo("error: --crl-validity must be positive, got 0" + System.lineSeparator());
    }
  }

  @RequiresPeer(Peer.OPENSSL)
  @Test
  void ocsp_answers_for_the_issuing_ca_at_every_path_until_stopped() throws Exception {
    Path answering = dir.resolve("ocsp-ca");
    assertThat(run("init", "--dir", answering.toString(), "--password-file", password.toString()).exit()).isZero();
    run("issue", "client", "--dir", answering.toString(), "--password-file", password.toString(), "--name", "erin",
        "--subject", "CN=erin", "--out", dir.toString());
    int port = FreePort.pick();

    try (ServedCommand ocsp = new ServedCommand("ocsp", "--dir", answering.toString(), "--password-file", password.toString(),
        "--port", String.valueOf(port))) {
      String printed = ocsp.awaitOutput("OCSP responder for");
      Result good = Peer.OPENSSL.run(dir, "ocsp", "-issuer", answering.resolve("intermediate.pem").toString(),
          "-cert", "erin.pem", "-url", "http://127.0.0.1:" + port + "/any/path", "-CAfile",
          answering.resolve("ca-chain.pem").toString());

      assertThat(printed).matches("OCSP responder for CN=mtls-reference Issuing CA,O=mtls-reference on http://127"
          + ".0.0.1:" + port + "/ \\(signer serial \\p{XDigit}+, valid until \\S+\\)\\R");
      assertThat(good.output()).as(good.toString()).contains("Response verify OK", "erin.pem: good");
    }
    assertThat(answering.resolve("ocsp-signer.pem")).exists();
  }

  @Test
  void ocsp_refuses_a_validity_that_is_not_positive_in_one_line() {
    Run zero = run("ocsp", "--dir", ca.toString(), "--password-file", password.toString(), "--validity", "0");

    assertThat(zero.exit()).isEqualTo(1);
    assertThat(zero.err()).isEqualTo("error: --validity must be positive, got 0" + System.lineSeparator());
  }

  private static Duration validity(X509CRL crl) {
    return Duration.between(crl.getThisUpdate().toInstant(), crl.getNextUpdate().toInstant());
  }
}
