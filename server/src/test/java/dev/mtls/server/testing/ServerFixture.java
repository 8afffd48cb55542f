package dev.mtls.server.testing;

import dev.mtls.pki.material.Identity;
import dev.mtls.pki.material.TrustAnchors;
import dev.mtls.server.MtlsServer;
import dev.mtls.server.MtlsServerBuilder;
import dev.mtls.server.RoleRules;
import dev.mtls.testing.pki.Issued;
import dev.mtls.testing.pki.Pems;
import dev.mtls.testing.pki.TestCa;
import dev.mtls.testing.pki.TestPki;
import dev.mtls.testing.tls.TlsProbe;
import java.io.IOException;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManager;
import org.junit.jupiter.api.Assumptions;

/**
 * The test kit's PKI wired into {@link MtlsServer}: a root, an issuing CA, the server's certificate, the demo clients
 * alice (admin) and bob (reader), a server builder on loopback ports chosen by the OS, and plain JSSE clients
 * ({@link TlsProbe}) that present a certificate of the test's choosing. The one server fixture of every module's
 * tests; {@link RunningServer} starts and stops one per test.
 */
public final class ServerFixture {
  /** The demo mapping: admin for OU=admins, reader for OU=readers. */
  public static final String ROLES = """
      # the demo mapping
      admin   subject.OU=admins
      reader  subject.OU=readers
      """;

  public final TestPki pki = TestPki.create();
  public final TestCa root = pki.root;
  public final TestCa issuing = pki.issuing;
  public final Issued server = pki.server;
  public final Issued alice = client("CN=alice,OU=admins,O=Demo");
  public final Issued bob = client("CN=bob,OU=readers,O=Demo");

  /** A client certificate from the trusted issuing CA. */
  public Issued client(String dn) {
    return issuing.client(dn);
  }

  /**
   * Skips the calling test where the optional TLS engine cannot run: Conscrypt's native library loads only on the
   * platforms its jar carries (x86-64 Linux, macOS and Windows).
   */
  public static void assumeConscryptLoads() {
    boolean loads;
    try {
      loads = (Boolean) Class.forName("org.conscrypt.Conscrypt").getMethod("isAvailable").invoke(null);
    } catch (ReflectiveOperationException | LinkageError e) {
      loads = false;
    }
    Assumptions.assumeTrue(loads, "Conscrypt's native library does not load on " + System.getProperty("os.name")
        + " " + System.getProperty("os.arch") + ": tls-engine conscrypt not tested");
  }

  /** {@code issued} as the project's identity type. */
  public static Identity identity(Issued issued) {
    return Identity.of(issued.privateKey(), issued.chain());
  }

  /** What the server trusts for clients, and clients trust for the server: the root. */
  public TrustAnchors anchors() {
    return TrustAnchors.of(pki.anchors());
  }

  /** A server with the test routes ({@link TestRoutes}) and the demo roles. */
  public MtlsServerBuilder serverBuilder() {
    return TestRoutes.register(builder());
  }

  /**
   * A server without routes, for a module that registers its own (the app's demo routes, an example service): the
   * test server certificate, the root as anchor, the demo roles, HTTPS and management on ports the OS picks, and
   * no polling of files (tests reload explicitly).
   */
  public MtlsServerBuilder builder() {
    return MtlsServer.builder()
        .identity(identity(server))
        .trust(anchors())
        .roleRules(RoleRules.parse(ROLES, "roles.conf"))
        .port(0)
        .managementPort(0)
        .reloadInterval(Duration.ZERO);
  }

  /** The issuing CA's CRL listing {@code revoked} and the root's, as one PEM file like {@code pki crl} writes. */
  public Path writeCrls(Path file, X509Certificate... revoked) throws IOException {
    return Files.writeString(file, Pems.ofCrls(pki.crls(revoked)));
  }

  /** A plain JSSE client presenting {@code certificate} and trusting the root. */
  public TlsProbe clientFor(Issued certificate) {
    return TlsProbe.of(certificate, root.certificate());
  }

  /** A plain JSSE client presenting {@code identity} (loaded from files, say) and trusting the root. */
  public TlsProbe clientFor(Identity identity) {
    return TlsProbe.of(identity.keyManager(), root.certificate());
  }

  /** A JSSE context presenting {@code certificate} (null: none) and trusting the root, for clients of any kind. */
  public SSLContext sslContext(Issued certificate) {
    try {
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(certificate == null ? null : new KeyManager[] {certificate.keyManager()},
          new TrustManager[] {TlsProbe.trustManager(List.of(root.certificate()))}, null);
      return context;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot set up a TLS client", e);
    }
  }

  /**
   * The JDK's HttpClient, an HTTP/2 peer independent of the server's code: it offers h2 and http/1.1 by ALPN,
   * presents {@code certificate} (null: none) and trusts the root; {@code parameters} narrow its TLS (protocols...).
   */
  public HttpClient http2Client(Issued certificate, SSLParameters parameters) {
    return HttpClient.newBuilder().version(HttpClient.Version.HTTP_2).sslContext(sslContext(certificate))
        .sslParameters(parameters).connectTimeout(Duration.ofSeconds(5)).build();
  }

  public HttpClient http2Client(Issued certificate) {
    // The JDK's defaults: the client offers h2 only when its parameters name a TLS version that allows it.
    return http2Client(certificate, sslContext(certificate).getDefaultSSLParameters());
  }

  /** A plain JSSE client that presents no certificate. */
  public TlsProbe anonymousClient() {
    return TlsProbe.of((Issued) null, root.certificate());
  }
}
