package dev.mtls.pki.material.trust;

import dev.mtls.pki.material.SafeText;
import dev.mtls.pki.material.SubjectAltName;
import dev.mtls.pki.material.internal.trust.Sentences;
import java.net.Socket;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.Supplier;
import javax.net.ssl.ExtendedSSLSession;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * JSSE's view of a {@link Trust}: the trust manager of a server (judging clients) or of a client (judging servers).
 * Each handshake asks the trust in service at that moment, so a reload reaches the next handshake; a refusal is a
 * {@link CertificateRejectedException} carrying the {@link Verdict}. A client's trust manager also checks the
 * host name when the connection asks for endpoint identification (as HTTPS clients do), through a
 * {@link HostnameCheck}; without one it refuses rather than skip the check. It hands the trust the OCSP responses
 * a server stapled, which answer for the server's certificate before anyone is asked.
 */
public final class PeerTrustManager extends X509ExtendedTrustManager {
  private final Supplier<Trust> trust;
  private final Clock clock;
  private final Purpose peers;
  private final HostnameCheck hostnames;
  private final BiConsumer<SSLEngine, Verdict> observer;

  private PeerTrustManager(Supplier<Trust> trust, Clock clock, Purpose peers, HostnameCheck hostnames,
      BiConsumer<SSLEngine, Verdict> observer) {
    this.trust = Objects.requireNonNull(trust, "trust == null");
    this.clock = Objects.requireNonNull(clock, "clock == null");
    this.peers = peers;
    this.hostnames = hostnames;
    this.observer = observer;
  }

  /** A server's trust manager: it accepts clients that {@code trust} trusts for {@link Purpose#CLIENT}. */
  public static PeerTrustManager forClients(Supplier<Trust> trust, Clock clock) {
    return new PeerTrustManager(trust, clock, Purpose.CLIENT, null, (engine, verdict) -> { });
  }

  /**
   * A client's trust manager: it accepts servers that {@code trust} trusts for {@link Purpose#SERVER} and, when the
   * connection asks for endpoint identification, whose certificate {@code hostnames} finds valid for the host.
   */
  public static PeerTrustManager forServers(Supplier<Trust> trust, Clock clock, HostnameCheck hostnames) {
    return new PeerTrustManager(trust, clock, Purpose.SERVER, hostnames, (engine, verdict) -> { });
  }

  /** This trust manager, also telling {@code observer} every verdict it reaches (on the handshaking thread). */
  public PeerTrustManager observedBy(Consumer<Verdict> observer) {
    Objects.requireNonNull(observer, "observer == null");
    return observedWithEngine((engine, verdict) -> observer.accept(verdict));
  }

  /**
   * This trust manager, also telling {@code observer} every verdict it reaches together with the engine of the
   * connection it was reached for (null for a socket): a server keeps the verdict with the connection it admits,
   * instead of judging the chain again at its first request.
   */
  public PeerTrustManager observedWithEngine(BiConsumer<SSLEngine, Verdict> observer) {
    return new PeerTrustManager(trust, clock, peers, hostnames, Objects.requireNonNull(observer, "observer == null"));
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
    judge(Purpose.CLIENT, chain, null, null, null);
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
    judge(Purpose.CLIENT, chain, null, null, null);
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
      throws CertificateException {
    judge(Purpose.CLIENT, chain, null, null, engine);
  }

  /** Without a connection there is no host to check: only the chain is judged. */
  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
    judge(Purpose.SERVER, chain, null, null, null);
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
    SSLSocket ssl = socket instanceof SSLSocket s ? s : null;
    judge(Purpose.SERVER, chain, ssl == null ? null : ssl.getSSLParameters(),
        ssl == null ? null : ssl.getHandshakeSession(), null);
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
      throws CertificateException {
    judge(Purpose.SERVER, chain, engine == null ? null : engine.getSSLParameters(),
        engine == null ? null : engine.getHandshakeSession(), engine);
  }

  /** The trust anchors, which a server names in its CertificateRequest. */
  @Override
  public X509Certificate[] getAcceptedIssuers() {
    return trust.get().anchors().certificates().toArray(new X509Certificate[0]);
  }

  private void judge(Purpose purpose, X509Certificate[] chain, SSLParameters parameters, SSLSession handshake,
      SSLEngine engine) throws CertificateException {
    if (purpose != peers) {
      throw new CertificateException("this trust manager judges " + (peers == Purpose.CLIENT ? "clients" : "servers")
          + " only");
    }
    List<X509Certificate> offered = chain == null ? List.of() : Arrays.asList(chain);
    // A server's stapled OCSP responses reach a client's trust manager on the handshake session.
    List<byte[]> stapled = purpose == Purpose.SERVER && handshake instanceof ExtendedSSLSession extended
        ? extended.getStatusResponses() : List.of();
    Verdict verdict = trust.get().verify(offered, purpose, clock.instant(), stapled);
    if (verdict.isTrusted() && parameters != null && parameters.getEndpointIdentificationAlgorithm() != null
        && !parameters.getEndpointIdentificationAlgorithm().isEmpty()) {
      verdict = checkHost(verdict, handshake == null ? null : handshake.getPeerHost());
    }
    observer.accept(engine, verdict);
    if (!verdict.isTrusted()) {
      throw new CertificateRejectedException(verdict);
    }
  }

  private Verdict checkHost(Verdict verdict, String host) {
    X509Certificate leaf = verdict.path().get(0);
    String subject = Sentences.leaf(Purpose.SERVER) + " " + Sentences.name(leaf);
    if (hostnames == null) {
      return Verdict.refused(Reason.HOSTNAME_MISMATCH, "the connection asks for host name verification but no"
          + " host name check is configured, so " + subject + " cannot be matched to the host", Purpose.SERVER,
          verdict.offered(), 0, verdict.generation());
    }
    if (host == null) {
      return Verdict.refused(Reason.HOSTNAME_MISMATCH, "the connection asks for host name verification but does not"
          + " know the host it connected to", Purpose.SERVER, verdict.offered(), 0, verdict.generation());
    }
    try {
      hostnames.check(host, leaf);
      return verdict;
    } catch (HostnameCheck.Mismatch e) {
      return Verdict.refused(Reason.HOSTNAME_MISMATCH, subject + " is not valid for " + SafeText.escape(host)
          + ": it names " + SafeText.escape(SubjectAltName.of(leaf).toString()), Purpose.SERVER, verdict.offered(),
          0, verdict.generation());
    }
  }
}
