package dev.mtls.examples.rotation;

import dev.mtls.client.ClientListener;
import dev.mtls.client.FailedRequest;
import dev.mtls.client.MtlsClient;
import dev.mtls.client.MtlsException;
import dev.mtls.pki.CertificateAuthority;
import dev.mtls.pki.CertificateSpec;
import dev.mtls.pki.IssuedCertificate;
import dev.mtls.pki.KeyAlgorithm;
import dev.mtls.pki.material.AtomicFiles;
import dev.mtls.pki.material.AtomicFiles.Existing;
import dev.mtls.pki.material.AtomicFiles.Visibility;
import dev.mtls.pki.material.Pem;
import dev.mtls.pki.material.SubjectAltName;
import dev.mtls.pki.material.TrustAnchors;
import dev.mtls.pki.material.reload.MaterialEvent;
import dev.mtls.server.MtlsServer;
import dev.mtls.server.Responses;
import dev.mtls.server.RoleRules;
import dev.mtls.server.Roles;
import dev.mtls.server.ServedRequest;
import dev.mtls.server.ServerListener;
import io.undertow.util.Methods;
import java.io.PrintStream;
import java.math.BigInteger;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.security.auth.x500.X500Principal;

/**
 * {@code --try}: the client made the production way ({@link RotatingClient#connect} on a directory of files) asks a
 * local {@link MtlsServer} from two threads without pause while its {@code tls.crt} and {@code tls.key} are renewed
 * in place (a new key and serial, as cert-manager renews). The server reports the serial of each request: the old
 * one until the client has put the renewal in service and its open connections have finished, then only the new
 * one, and no request fails. Only the material, made here with the project's CA library, and the reload interval
 * differ from production.
 */
final class RotationTryout {
  static final String LOG = "try.log";
  /** How often the scenario's client checks its files: production's 10 s would only make the user wait. */
  static final Duration RELOAD_INTERVAL = Duration.ofMillis(200);
  private static final String ROLES = "shop  subject.OU=shop\n";
  /** Past the client's 14-day expiry warning, so the log warns of nothing the scenario does not mean. */
  private static final Duration VALIDITY = Duration.ofDays(30);
  private static final Duration WAIT = Duration.ofSeconds(20);
  private static final int THREADS = 2;
  /** Requests with the first certificate before the renewal. */
  private static final int BEFORE = 20;
  /** Requests in a row with the renewed certificate before the scenario ends. */
  private static final int AFTER = 30;

  private final Path directory;
  private final PrintStream out;
  private final List<BigInteger> served = new CopyOnWriteArrayList<>();
  private final List<MaterialEvent> reloads = new CopyOnWriteArrayList<>();
  private final List<String> failures = new CopyOnWriteArrayList<>();
  private final CountDownLatch firstServed = new CountDownLatch(BEFORE);
  private final CountDownLatch renewedInARow = new CountDownLatch(1);
  private BigInteger first;
  private BigInteger renewed;

  private RotationTryout(Path directory, PrintStream out) {
    this.directory = directory;
    this.out = out;
  }

  /** Runs the scenario with its material under {@code directory}; 0 when everything went as expected. */
  static int run(Path directory, PrintStream out) {
    try {
      return new RotationTryout(directory, out).run();
    } catch (RuntimeException e) {
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
      Path code = Path.of(RotationTryout.class.getProtectionDomain().getCodeSource().getLocation().toURI());
      return code.toAbsolutePath().getParent().resolve("try");
    } catch (URISyntaxException | RuntimeException e) {
      return Path.of("target", "try").toAbsolutePath();
    }
  }

  private int run() throws InterruptedException {
    CertificateAuthority ca = CertificateAuthority.createRoot(new X500Principal("CN=Shop Root CA,O=Shop"),
        KeyAlgorithm.EC_P256, VALIDITY, Clock.systemUTC()).createIntermediate("CN=Shop Issuing CA,O=Shop");
    X509Certificate anchor = ca.chain().get(ca.chain().size() - 1);
    IssuedCertificate server = ca.issue(CertificateSpec.server("CN=stock,O=Shop")
        .addSubjectAltName(SubjectAltName.dns("localhost")).addSubjectAltName(SubjectAltName.ip("127.0.0.1")).build());
    IssuedCertificate firstIssued = ca.issue(CertificateSpec.client("CN=stock-client,OU=shop,O=Shop").build());
    IssuedCertificate renewedIssued = ca.issue(CertificateSpec.client("CN=stock-client,OU=shop,O=Shop").build());
    first = firstIssued.certificate().getSerialNumber();
    renewed = renewedIssued.certificate().getSerialNumber();
    Path mount = directory.resolve("client");
    AtomicFiles.writeString(mount.resolve("ca.crt"), Pem.encode(anchor), Visibility.PUBLIC, Existing.REPLACE);
    write(mount, firstIssued);
    out.println("Made a CA (valid for 30 days) with the pki library; wrote tls.crt, tls.key and ca.crt in "
        + shown(mount) + " (serial " + shortHex(first) + ")");

    try (MtlsServer stock = MtlsServer.builder().port(0).managementPort(-1).identity(server.identity())
        .trust(TrustAnchors.of(List.of(anchor))).roleRules(RoleRules.parse(ROLES, "the scenario's role rules"))
        .route(Methods.GET, "/api/stock", Roles.anyOf("shop"), exchange -> Responses.text(exchange, 200, "12 widgets"))
        .listener(observer()).build().start()) {
      URI target = URI.create("https://localhost:" + stock.port() + "/api/stock");
      out.println("Started a local MtlsServer on " + target + " for role shop (" + ROLES.strip() + ")");
      requestWhileRenewing(target, mount, renewedIssued);
    }
    return summarise();
  }

  private void requestWhileRenewing(URI target, Path mount, IssuedCertificate renewal) throws InterruptedException {
    AtomicBoolean requesting = new AtomicBoolean(true);
    ExecutorService threads = Executors.newFixedThreadPool(THREADS);
    try (MtlsClient client = RotatingClient.connect(mount, RELOAD_INTERVAL, clientObserver())) {
      out.println("RotatingClient.connect(" + shown(mount) + ") checks the files every " + RELOAD_INTERVAL.toMillis()
          + " ms (" + RotatingClient.RELOAD_INTERVAL.toSeconds() + " s in production); " + THREADS
          + " threads ask without pause");
      for (int i = 0; i < THREADS; i++) {
        threads.execute(() -> request(client, target, requesting));
      }
      Instant renewedAt;
      int servedBefore;
      try {
        await(firstServed, BEFORE + " requests with serial " + shortHex(first));
        out.println("The server saw " + BEFORE + " requests with serial " + shortHex(first));
        renewedAt = Instant.now();
        servedBefore = served.size();
        write(mount, renewal);
        out.println("Renewed tls.key and tls.crt in place: a new key, serial " + shortHex(renewed));
        await(renewedInARow, AFTER + " requests in a row with serial " + shortHex(renewed));
      } finally {
        // The requests end before the client closes: a request cut off by close() is no failure of the renewal.
        requesting.set(false);
        threads.shutdown();
        threads.awaitTermination(WAIT.toMillis(), TimeUnit.MILLISECONDS);
      }
      reloads.stream().filter(event -> !event.applied()).forEach(event -> out.println("The client refused a"
          + " half-written renewal and kept its certificate in service: " + event.detail()));
      reloads.stream().filter(event -> event.applied() && event.detail().contains(renewed.toString(16))).findFirst()
          .ifPresent(event -> out.println("The client put it in service "
              + Duration.between(renewedAt, event.at()).toMillis() + " ms later: " + event.detail()));
      // A copy: a sub-list of a CopyOnWriteArrayList fails once the requests still running add to it.
      List<BigInteger> sofar = List.copyOf(served);
      long stillOld = sofar.subList(servedBefore, sofar.size()).stream().filter(first::equals).count();
      out.println("After the renewal: " + stillOld + " more requests with " + shortHex(first) + " (before the client"
          + " read the files, or on connections already open), then only " + shortHex(renewed) + ": " + AFTER
          + " in a row");
    } finally {
      threads.shutdownNow();
    }
  }

  private void request(MtlsClient client, URI target, AtomicBoolean requesting) {
    while (requesting.get()) {
      try {
        int status = client.get(target).status();
        if (status != 200) {
          failures.add("status " + status);
        }
      } catch (MtlsException e) {
        failures.add(e.getDiagnosis().sentence());
      }
    }
  }

  private int summarise() {
    boolean expected = failures.isEmpty() && served.contains(first) && served.contains(renewed);
    out.println("Served " + served.size() + " requests, " + failures.size() + " failed. Stopped the client and the"
        + " server. " + (expected ? "Everything went as expected." : "This did not go as expected."));
    failures.stream().distinct().forEach(failure -> out.println("  failed: " + failure));
    out.println("What the client and the server logged: " + shown(directory.resolve(LOG)));
    return expected ? 0 : 1;
  }

  private ServerListener observer() {
    return new ServerListener() {
      private int inARow;

      @Override
      public synchronized void served(ServedRequest request) {
        BigInteger serial = request.caller() == null ? null : request.caller().identity().serialNumber();
        served.add(serial);
        if (first.equals(serial)) {
          firstServed.countDown();
        }
        inARow = renewed.equals(serial) ? inARow + 1 : 0;
        if (inARow >= AFTER) {
          renewedInARow.countDown();
        }
      }
    };
  }

  private ClientListener clientObserver() {
    return new ClientListener() {
      @Override
      public void failed(FailedRequest request) {
        failures.add(request.diagnosis().sentence());
      }

      @Override
      public void materialChanged(MaterialEvent event) {
        if (event.unit().startsWith("client identity")) {
          reloads.add(event);
        }
      }
    };
  }

  private static void await(CountDownLatch latch, String what) throws InterruptedException {
    if (!latch.await(WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
      throw new IllegalStateException("waited " + WAIT.toSeconds() + " s for " + what);
    }
  }

  /** The key first: a client that reads between the two writes sees a pair that does not match and waits. */
  private static void write(Path mount, IssuedCertificate issued) {
    AtomicFiles.writeString(mount.resolve("tls.key"), issued.privateKeyPem(), Visibility.PRIVATE, Existing.REPLACE);
    AtomicFiles.writeString(mount.resolve("tls.crt"), issued.chainPem(), Visibility.PUBLIC, Existing.REPLACE);
  }

  private static String shortHex(BigInteger serial) {
    String hex = serial.toString(16);
    return hex.length() > 12 ? hex.substring(0, 12) + "..." : hex;
  }

  /** Relative to the working directory when under it: what a user would type. */
  private static Path shown(Path path) {
    Path here = Path.of("").toAbsolutePath();
    Path absolute = path.toAbsolutePath();
    return absolute.startsWith(here) ? here.relativize(absolute) : absolute;
  }
}
