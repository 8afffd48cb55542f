package dev.mtls.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mtls.client.MtlsClient;
import dev.mtls.client.MtlsException;
import dev.mtls.client.PreflightCheck;
import dev.mtls.pki.cli.PkiCommand;
import dev.mtls.pki.material.Identity;
import dev.mtls.pki.material.Pem;
import dev.mtls.pki.material.TrustAnchors;
import dev.mtls.pki.material.trust.CrlSet;
import dev.mtls.pki.material.trust.MissingCrlPolicy;
import dev.mtls.pki.material.trust.Reason;
import dev.mtls.pki.material.trust.Trust;
import dev.mtls.server.MtlsServer;
import dev.mtls.server.Rejection;
import dev.mtls.server.Responses;
import dev.mtls.server.RoleRules;
import dev.mtls.server.Roles;
import dev.mtls.server.ServerListener;
import dev.mtls.testing.Eventually;
import dev.mtls.testing.pki.RefusalMatrix;
import io.undertow.util.Methods;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509CRL;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The same certificate gets the same verdict from the server (in a real handshake), from the client's pre-flight
 * check and from {@code pki verify}, over the whole refusal matrix: all three ask the one trust core, configured with
 * the same anchors and CRLs. A few certificates cannot even be offered by a JDK client (a DSA or secp256k1 key, a
 * secp256k1 CA the JDK cannot verify): for those, the pre-flight check and {@code pki verify} are compared.
 */
class SameVerdictEverywhereTest {
  private static final RefusalMatrix MATRIX = new RefusalMatrix();
  private static final Pattern VERIFY = Pattern.compile(": (TRUSTED|REFUSED \\(([A-Z_]+)\\)):");
  private static final List<Rejection> REJECTIONS = new CopyOnWriteArrayList<>();

  @TempDir
  static Path dir;
  static Path root;
  static Path crls;
  static MtlsServer server;

  @BeforeAll
  static void start() throws Exception {
    root = Files.writeString(dir.resolve("root.pem"), Pem.encode(MATRIX.pki.root.certificate()));
    StringBuilder pem = new StringBuilder();
    MATRIX.crls().forEach(crl -> pem.append(Pem.encode(crl)));
    crls = Files.writeString(dir.resolve("crl.pem"), pem.toString());
    server = MtlsServer.builder()
        .identity(Identity.of(MATRIX.pki.server.privateKey(), MATRIX.pki.server.chain()))
        .trustPem(root)
        .addCrlFile(crls)
        .roleRules(RoleRules.parse("admin subject.OU=admins\n", "roles.conf"))
        .route(Methods.GET, "/whoami", Roles.anyClient(), exchange -> Responses.text(exchange, 200, "hello"))
        .listener(new ServerListener() {
          @Override
          public void refused(Rejection rejection) {
            REJECTIONS.add(rejection);
          }
        })
        .port(0)
        .managementPort(-1)
        .reloadInterval(Duration.ZERO)
        .build()
        .start();
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @BeforeEach
  void forget() {
    REJECTIONS.clear();
  }

  static List<RefusalMatrix.Case> cases() {
    return MATRIX.cases();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void server_preflight_and_pki_verify_agree(RefusalMatrix.Case c) throws Exception {
    Reason expected = Reason.valueOf(c.reason());

    assertThat(pkiVerify(c)).as("pki verify").isEqualTo(expected);
    assertThat(PreflightCheck.check(c.identity().chain(), trust(), Instant.now(), Duration.ofDays(14)).verdict()
        .reason()).as("pre-flight").isEqualTo(expected);
    if (c.sendable()) {
      try (MtlsClient client = client(c)) {
        assertThat(client.preflight().verdict().reason()).as("the client's own pre-flight").isEqualTo(expected);
        assertThat(serverVerdict(client)).as("server").isEqualTo(expected);
      }
    }
  }

  /**
   * What the server decided for this client's certificate: TRUSTED when it answered, else its rejection. When the
   * client's own check could know the reason (everything but a CRL the client lacks), its diagnosis names the same.
   */
  private static Reason serverVerdict(MtlsClient client) throws InterruptedException {
    try {
      client.get(serverUrl());
      return REJECTIONS.isEmpty() ? Reason.TRUSTED : REJECTIONS.get(0).verdict().reason();
    } catch (MtlsException refused) {
      Reason expected = client.preflight().verdict().reason();
      if (expected != Reason.REVOCATION_UNKNOWN) {
        assertThat(refused.getDiagnosis().reason()).as("the client's diagnosis: %s", refused.getDiagnosis().render())
            .isEqualTo(expected);
      }
      Eventually.await("the server's rejection", () -> !REJECTIONS.isEmpty());
      assertThat(REJECTIONS).as("the server's rejection").hasSize(1);
      return REJECTIONS.get(0).verdict().reason();
    }
  }

  /** The project's client, with the server's anchors and CRLs, sending its certificate whatever its pre-flight says. */
  private static MtlsClient client(RefusalMatrix.Case c) {
    return MtlsClient.builder()
        .identity(Identity.of(c.identity().privateKey(), c.identity().chain()))
        .trust(trust())
        .enforcePreflight(false)
        .build();
  }

  private static Trust trust() {
    List<X509CRL> all = MATRIX.crls();
    return Trust.of(TrustAnchors.of(MATRIX.anchors()), CrlSet.of("matrix", all), MissingCrlPolicy.REFUSE);
  }

  private static Reason pkiVerify(RefusalMatrix.Case c) throws Exception {
    Path chain = Files.writeString(dir.resolve(c.name() + ".pem"), Pem.encode(c.identity().chain()));
    StringWriter out = new StringWriter();
    var commandLine = PkiCommand.commandLine(dev.mtls.pki.material.KeyEncryption.forTests());
    commandLine.setOut(new PrintWriter(out, true));
    commandLine.setErr(new PrintWriter(out, true));
    int exit = commandLine.execute("verify", "--ca-file", root.toString(), "--crl", crls.toString(), "--purpose",
        "client", chain.toString());
    Matcher matcher = VERIFY.matcher(out.toString());
    assertThat(matcher.find()).as("pki verify said: %s", out).isTrue();
    assertThat(exit).isEqualTo(matcher.group(2) == null ? 0 : 3);
    return Optional.ofNullable(matcher.group(2)).map(Reason::valueOf).orElse(Reason.TRUSTED);
  }

  private static String serverUrl() {
    return "https://localhost:" + server.port() + "/whoami";
  }
}
