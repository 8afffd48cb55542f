package dev.mtls.examples.orders;

import dev.mtls.client.MtlsClient;
import dev.mtls.client.MtlsException;
import dev.mtls.client.MtlsResponse;
import dev.mtls.pki.CertificateAuthority;
import dev.mtls.pki.CertificateSpec;
import dev.mtls.pki.IssuedCertificate;
import dev.mtls.pki.KeyAlgorithm;
import dev.mtls.pki.material.AtomicFiles;
import dev.mtls.pki.material.AtomicFiles.Existing;
import dev.mtls.pki.material.AtomicFiles.Visibility;
import dev.mtls.pki.material.Pem;
import dev.mtls.pki.material.SubjectAltName;
import dev.mtls.pki.material.trust.Reason;
import dev.mtls.server.MtlsServer;
import dev.mtls.server.Rejection;
import dev.mtls.server.ServedRequest;
import dev.mtls.server.ServerListener;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javax.security.auth.x500.X500Principal;

/**
 * {@code --try}: the service started the production way ({@link OrdersService#start} from a directory of files) on
 * throwaway material, called over real mTLS, then stopped. Only the material, made here with the project's CA
 * library, and the ports, chosen by the OS, differ from production. carol (OU=orders, so role orders) places an
 * order and lists it; dave (OU=readers, no role) is answered 403; mallory, whose certificate comes from a CA the
 * service does not trust, is refused in the handshake.
 */
final class OrdersTryout {
  static final String ROLES = "orders  subject.OU=orders\n";
  static final String LOG = "try.log";
  /** Past the client's 14-day expiry warning, so the log warns of nothing the scenario does not mean. */
  private static final Duration VALIDITY = Duration.ofDays(30);
  private static final Duration EVENT_WAIT = Duration.ofSeconds(5);
  private static final String FORM = "application/x-www-form-urlencoded";

  private final Path directory;
  private final PrintStream out;
  private final CompletableFuture<ServedRequest> forbidden = new CompletableFuture<>();
  private final CompletableFuture<Rejection> refusal = new CompletableFuture<>();
  private int unexpected;

  private OrdersTryout(Path directory, PrintStream out) {
    this.directory = directory;
    this.out = out;
  }

  /** Runs the scenario with its material under {@code directory}; 0 when everything went as expected. */
  static int run(Path directory, PrintStream out) {
    try {
      return new OrdersTryout(directory, out).run();
    } catch (IOException | ExecutionException | TimeoutException | RuntimeException e) {
      out.println("FAILED: " + e);
      return 1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      out.println("FAILED: interrupted");
      return 1;
    }
  }

  /**
   * Sends the log of everything the scenario starts to {@code file} ({@code logback-try.xml}), so that the terminal
   * shows the scenario's own lines. Call it before anything logs: logback reads its configuration once.
   */
  static void logTo(Path file) {
    System.setProperty("examples.try.log", file.toString());
    System.setProperty("logback.configurationFile", "logback-try.xml");
  }

  /** {@code target/try}: beside the jar, or beside {@code target/classes} when run from the build. */
  static Path besideTheBuild() {
    try {
      Path code = Path.of(OrdersTryout.class.getProtectionDomain().getCodeSource().getLocation().toURI());
      return code.toAbsolutePath().getParent().resolve("try");
    } catch (URISyntaxException | RuntimeException e) {
      return Path.of("target", "try").toAbsolutePath();
    }
  }

  private int run() throws IOException, InterruptedException, ExecutionException, TimeoutException {
    CertificateAuthority shop = ca("CN=Shop Root CA,O=Shop", "CN=Shop Issuing CA,O=Shop");
    CertificateAuthority elsewhere = ca("CN=Foreign Root CA,O=elsewhere", "CN=Foreign Issuing CA,O=elsewhere");
    X509Certificate anchor = shop.chain().get(shop.chain().size() - 1);
    Path service = mount("service", shop.issue(CertificateSpec.server("CN=orders,O=Shop")
        .addSubjectAltName(SubjectAltName.dns("localhost")).addSubjectAltName(SubjectAltName.ip("127.0.0.1"))
        .build()), anchor);
    AtomicFiles.writeString(service.resolve("roles.conf"), ROLES, Visibility.PUBLIC, Existing.REPLACE);
    Path carol = mount("carol", shop.issue(CertificateSpec.client("CN=carol,OU=orders,O=Shop").build()), anchor);
    Path dave = mount("dave", shop.issue(CertificateSpec.client("CN=dave,OU=readers,O=Shop").build()), anchor);
    Path mallory = mount("mallory", elsewhere.issue(CertificateSpec.client("CN=mallory,OU=orders,O=elsewhere")
        .build()), anchor);
    out.println("Made a CA and a foreign CA (valid for 30 days) with the pki library; wrote in " + shown(directory)
        + ":");
    out.println("  service/  tls.crt tls.key ca.crt roles.conf (roles.conf: " + ROLES.strip() + ")");
    out.println("  carol/ dave/ mallory/  tls.crt tls.key ca.crt (mallory's certificate is from the foreign CA)");

    try (MtlsServer server = OrdersService.start(MtlsServer.builder().port(0).managementPort(0)
        .listener(observer()), service)) {
      URI orders = URI.create("https://localhost:" + server.port() + "/api/orders");
      out.println("Started OrdersService from service/ on https://localhost:" + server.port());
      try (MtlsClient client = clientFrom(carol)) {
        expect("carol", "POST /api/orders", client.send("POST", orders, form("item=widget&quantity=3"), FORM), 201);
        expect("carol", "GET  /api/orders", client.get(orders), 200);
      }
      try (MtlsClient client = clientFrom(dave)) {
        MtlsResponse response = client.send("POST", orders, form("item=gadget&quantity=1"), FORM);
        if (response.status() != 403) {
          expect("dave", "POST /api/orders", response, 403);
        } else {
          ServedRequest served = forbidden.get(EVENT_WAIT.toMillis(), TimeUnit.MILLISECONDS);
          row("dave", "POST /api/orders", "403: " + served.caller().identity().subject().toDisplayString()
              + " has roles " + new TreeSet<>(served.caller().roles()) + ", the route needs "
              + new TreeSet<>(OrdersRoutes.ORDERS.required()));
        }
      }
      try (MtlsClient client = clientFrom(mallory)) {
        MtlsResponse response = client.get(orders);
        unexpected++;
        row("mallory", "GET  /api/orders", "UNEXPECTED: " + response.status() + ", expected a refused handshake");
      } catch (MtlsException e) {
        Rejection rejection = refusal.get(EVENT_WAIT.toMillis(), TimeUnit.MILLISECONDS);
        if (rejection.verdict().reason() != Reason.UNTRUSTED_ISSUER) {
          unexpected++;
        }
        row("mallory", "GET  /api/orders", "refused in the TLS handshake");
        out.println("  client says: " + e.getDiagnosis().sentence());
        out.println("  server says: " + rejection.verdict().sentence());
      }
    }
    out.println("Stopped the service. " + (unexpected == 0 ? "Everything went as expected."
        : unexpected + " step(s) did not go as expected."));
    out.println("What the service and the clients logged: " + shown(directory.resolve(LOG)));
    return unexpected == 0 ? 0 : 1;
  }

  private ServerListener observer() {
    return new ServerListener() {
      @Override
      public void served(ServedRequest request) {
        if (request.status() == 403) {
          forbidden.complete(request);
        }
      }

      @Override
      public void refused(Rejection rejection) {
        refusal.complete(rejection);
      }
    };
  }

  private void expect(String who, String request, MtlsResponse response, int status) {
    String body = response.bodyText().strip();
    if (response.status() != status) {
      unexpected++;
      row(who, request, "UNEXPECTED: " + response.status() + " " + body + ", expected " + status);
    } else {
      row(who, request, status + " " + body);
    }
  }

  private void row(String who, String request, String outcome) {
    out.printf("%-8s %s -> %s%n", who, request, outcome);
  }

  private static CertificateAuthority ca(String root, String issuing) {
    return CertificateAuthority.createRoot(new X500Principal(root), KeyAlgorithm.EC_P256, VALIDITY,
        Clock.systemUTC()).createIntermediate(issuing);
  }

  /** The three files cert-manager mounts for a certificate: chain, key (readable by the owner only), CA. */
  private Path mount(String name, IssuedCertificate issued, X509Certificate anchor) {
    Path mount = directory.resolve(name);
    AtomicFiles.writeString(mount.resolve("tls.crt"), issued.chainPem(), Visibility.PUBLIC, Existing.REPLACE);
    AtomicFiles.writeString(mount.resolve("tls.key"), issued.privateKeyPem(), Visibility.PRIVATE, Existing.REPLACE);
    AtomicFiles.writeString(mount.resolve("ca.crt"), Pem.encode(anchor), Visibility.PUBLIC, Existing.REPLACE);
    return mount;
  }

  /** A client that, like the service, reads its material from a mounted directory. */
  private static MtlsClient clientFrom(Path mount) {
    return MtlsClient.builder().identityPem(mount.resolve("tls.crt"), mount.resolve("tls.key"), null)
        .trustPem(mount.resolve("ca.crt")).reloadInterval(Duration.ZERO).build();
  }

  private static byte[] form(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  /** Relative to the working directory when under it: what a user would type. */
  private static Path shown(Path path) {
    Path here = Path.of("").toAbsolutePath();
    Path absolute = path.toAbsolutePath();
    return absolute.startsWith(here) ? here.relativize(absolute) : absolute;
  }
}
