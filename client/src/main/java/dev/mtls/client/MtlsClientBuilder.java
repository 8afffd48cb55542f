package dev.mtls.client;

import dev.mtls.client.internal.tls.MaterialSources;
import dev.mtls.pki.material.Identity;
import dev.mtls.pki.material.TrustAnchors;
import dev.mtls.pki.material.renewal.Renewal;
import dev.mtls.pki.material.trust.MissingCrlPolicy;
import dev.mtls.pki.material.trust.RevocationSource;
import dev.mtls.pki.material.trust.TlsPolicy;
import dev.mtls.pki.material.trust.Trust;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import javax.net.ssl.SSLContext;

/** Configures an {@link MtlsClient}; every setting has a default except what is ours to give. */
public final class MtlsClientBuilder {
  final MaterialSources.Builder material = new MaterialSources.Builder();
  Duration reloadInterval = Duration.ofSeconds(10);
  final List<ClientListener> listeners = new ArrayList<>();
  Duration connectTimeout = Duration.ofSeconds(5);
  Duration handshakeTimeout = Duration.ofSeconds(10);
  Duration responseTimeout = Duration.ofSeconds(30);
  List<String> protocols = TlsPolicy.PROTOCOLS;
  int maxConnections = 20;
  Duration expiryWarning = Duration.ofDays(14);
  boolean enforcePreflight = true;
  boolean askOwnStatus = true;
  Clock clock = Clock.systemUTC();
  String userAgent = "mtls-client";
  HttpVersion httpVersion = HttpVersion.HTTP_1_1;

  MtlsClientBuilder() {}

  /**
   * Who we are, fixed. If no identity is set, no client certificate is sent (useful only to see a server refuse
   * that).
   */
  public MtlsClientBuilder identity(Identity identity) {
    material.identity(identity);
    return this;
  }

  /**
   * Who we are: a PEM chain (leaf first) and key ({@code password} null when the key is not encrypted), reloaded
   * when the files change. A replacement goes into service only when its key matches and the certificate is
   * valid now; new connections present it, pooled ones drain.
   */
  public MtlsClientBuilder identityPem(Path chain, Path key, char[] password) {
    material.identityPem(chain, key, password);
    return this;
  }

  /**
   * Renews our certificate by ourselves from the EST server at {@code est} ({@code https://HOST:PORT}, see
   * {@link Renewal}): at two thirds of its lifetime (up to a twentieth earlier), with a new key each time, over
   * mTLS with the current certificate, trusting the EST server as we trust servers. The new key and chain
   * replace the {@link #identityPem} files and are reloaded: new connections present them. While the CA is down
   * or refuses, the current certificate is used and the attempt retried with back-off; each attempt is told to
   * {@link ClientListener#renewal}. Needs {@link #identityPem}. If unset: no renewal.
   */
  public MtlsClientBuilder renewFrom(URI est) {
    material.renewFrom(est);
    return this;
  }

  /** Like {@link #identityPem}, from a PKCS#12 key entry ({@code alias} null: the only one). */
  public MtlsClientBuilder identityPkcs12(Path file, char[] password, String alias) {
    material.identityPkcs12(file, password, alias);
    return this;
  }

  /**
   * Whom we trust to identify servers, fixed. There is no default: {@code trust(Trust.system())} trusts the JDK's
   * public CAs, deliberately.
   */
  public MtlsClientBuilder trust(TrustAnchors anchors) {
    material.anchors(anchors);
    return this;
  }

  /**
   * Whom we trust, with CRLs, fixed: servers are judged by it, and so is our own certificate before we connect
   * (as a server with the same anchors and CRLs would judge it).
   */
  public MtlsClientBuilder trust(Trust trust) {
    material.trust(trust);
    return this;
  }

  /** Whom we trust: a PEM bundle of CA certificates, reloaded when it changes. */
  public MtlsClientBuilder trustPem(Path bundle) {
    material.anchorsPem(bundle);
    return this;
  }

  /** Whom we trust: the trusted-certificate entries of a PKCS#12 truststore, reloaded when it changes. */
  public MtlsClientBuilder trustPkcs12(Path file, char[] password) {
    material.anchorsPkcs12(file, password);
    return this;
  }

  /** A PEM file of CRLs for the servers' CAs (and our own), reloaded when it changes. Needs trust anchors. */
  public MtlsClientBuilder addCrlFile(Path file) {
    material.addCrlFile(file);
    return this;
  }

  /** What to do when CRLs are configured but a CA in a server's path has none. If unset: refuse. */
  public MtlsClientBuilder missingCrl(MissingCrlPolicy policy) {
    material.missingCrl(policy);
    return this;
  }

  /**
   * Where to ask about a server certificate no CRL file decides and the server stapled no response for: OCSP
   * responders and CRL distribution points, e.g. {@code OnlineRevocation.builder().ocspFromCertificates().build()}.
   * Needs trust anchors.
   */
  public MtlsClientBuilder revocationSource(RevocationSource source) {
    material.revocationSource(source);
    return this;
  }

  /**
   * Refuse a server that does not staple an OCSP response for its certificate (as a must-staple certificate
   * asks). A stapled response is checked whether or not this is set. Needs trust anchors.
   */
  public MtlsClientBuilder requireStapledOcsp(boolean required) {
    material.requireStapledOcsp(required);
    return this;
  }

  /**
   * Our own SSLContext instead of identity and trust: for a key in an HSM or a platform key store. Protocols,
   * cipher suites and the host-name check still follow the policy; the pre-flight check and our material's
   * reload do not apply (the context is ours to rotate), and failures are explained with less detail.
   */
  public MtlsClientBuilder sslContext(SSLContext context) {
    material.sslContext(context);
    return this;
  }

  /** How often identity, trust and CRL files are checked for changes; zero turns polling off. If unset, 10 s. */
  public MtlsClientBuilder reloadInterval(Duration interval) {
    Objects.requireNonNull(interval, "interval == null");
    if (interval.isNegative()) {
      throw new IllegalArgumentException("reload interval must not be negative: " + interval);
    }
    this.reloadInterval = interval;
    return this;
  }

  /** Also tell {@code listener} what the client does (handshakes, requests, reloads); logging always listens. */
  public MtlsClientBuilder listener(ClientListener listener) {
    listeners.add(Objects.requireNonNull(listener, "listener == null"));
    return this;
  }

  /** Time to establish the TCP connection. If unset, 5 seconds. */
  public MtlsClientBuilder connectTimeout(Duration timeout) {
    this.connectTimeout = positive(timeout, "connectTimeout");
    return this;
  }

  /** Time for the TLS handshake. If unset, 10 seconds. */
  public MtlsClientBuilder handshakeTimeout(Duration timeout) {
    this.handshakeTimeout = positive(timeout, "handshakeTimeout");
    return this;
  }

  /** Longest wait for response data (between packets). If unset, 30 seconds. */
  public MtlsClientBuilder responseTimeout(Duration timeout) {
    this.responseTimeout = positive(timeout, "responseTimeout");
    return this;
  }

  /** TLS versions to offer, within TLSv1.3 and TLSv1.2. If unset, both; give one to force it. */
  public MtlsClientBuilder protocols(List<String> protocols) {
    TlsPolicy.protocols(protocols);
    this.protocols = List.copyOf(protocols);
    return this;
  }

  /** Most connections open at once (per server and in total). If unset, 20. */
  public MtlsClientBuilder maxConnections(int maxConnections) {
    if (maxConnections < 1) {
      throw new IllegalArgumentException("maxConnections < 1: " + maxConnections);
    }
    this.maxConnections = maxConnections;
    return this;
  }

  /** Warn (in the log and the pre-flight report) when our certificate expires within this. If unset, 14 days. */
  public MtlsClientBuilder expiryWarning(Duration expiryWarning) {
    this.expiryWarning = Objects.requireNonNull(expiryWarning, "expiryWarning == null");
    return this;
  }

  /**
   * Whether a blocking pre-flight finding (our certificate expired, not yet valid, revoked, or without clientAuth)
   * fails each request before connecting. If unset, true; false sends the certificate anyway, to see what
   * a server makes of it.
   */
  public MtlsClientBuilder enforcePreflight(boolean enforcePreflight) {
    this.enforcePreflight = enforcePreflight;
    return this;
  }

  /**
   * Whether the pre-flight asks our own CA, at the OCSP responder and CRL distribution points our certificate
   * names, whether it revoked our certificate: in the background, within the revocation timeout, answers kept until
   * their nextUpdate. A server's refusal says only certificate_unknown; this names the revocation, and a revoked
   * certificate then fails requests before connecting (as {@link #enforcePreflight} says). If unset, true.
   */
  public MtlsClientBuilder askOwnStatus(boolean askOwnStatus) {
    this.askOwnStatus = askOwnStatus;
    return this;
  }

  /** The clock for trust decisions: the server's certificate and our own. If unset, the system clock. */
  public MtlsClientBuilder clock(Clock clock) {
    this.clock = Objects.requireNonNull(clock, "clock == null");
    return this;
  }

  /**
   * The HTTP version to speak, as {@link HttpVersion} describes each. If unset, HTTP/1.1. With HTTP/2, blocking
   * calls go through the async client too (requests from many threads share a connection); {@link
   * MtlsClient#httpClient()} stays HTTP/1.1.
   */
  public MtlsClientBuilder httpVersion(HttpVersion version) {
    this.httpVersion = Objects.requireNonNull(version, "version == null");
    return this;
  }

  /** The User-Agent header. If unset, {@code mtls-client}. */
  public MtlsClientBuilder userAgent(String userAgent) {
    this.userAgent = Objects.requireNonNull(userAgent, "userAgent == null");
    return this;
  }

  public MtlsClient build() {
    return new MtlsClient(this, material.build(clock));
  }

  private static Duration positive(Duration duration, String name) {
    Objects.requireNonNull(duration, name + " == null");
    if (duration.isNegative() || duration.isZero()) {
      throw new IllegalArgumentException(name + " must be positive: " + duration);
    }
    return duration;
  }
}
