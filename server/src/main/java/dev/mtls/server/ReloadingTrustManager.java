package dev.mtls.server;

import dev.mtls.pki.material.DistinguishedName;
import dev.mtls.pki.material.TrustAnchors;
import java.net.Socket;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertPathValidatorException.BasicReason;
import java.security.cert.CertificateException;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.PKIXReason;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLSession;
import javax.net.ssl.X509ExtendedTrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * Validates client chains with the JDK's PKIX trust manager over the current trust anchors (which also checks the
 * clientAuth extended key usage), then applies the {@link ClientCertificatePolicy}. Anchors and policy can be
 * swapped while the server runs: handshakes that start afterwards use the new ones. A refusal is thrown as a
 * {@link CertificateRejectedException} that says why in plain words.
 *
 * <p>Server-side only: it refuses to validate servers.
 */
public final class ReloadingTrustManager extends X509ExtendedTrustManager {
  /** Session value: the {@link #generation()} under which this session's client chain was validated. */
  static final String VALIDATED_GENERATION = "dev.mtls.server.validated-generation";

  private record State(TrustAnchors anchors, X509TrustManager pkix, ClientCertificatePolicy policy, long generation) {}

  private static final AtomicLong GENERATIONS = new AtomicLong();
  private volatile State state;

  public ReloadingTrustManager(TrustAnchors anchors, ClientCertificatePolicy policy) {
    this.state = state(anchors, policy);
  }

  /** Puts new anchors and policy in service for the next handshakes. */
  public void update(TrustAnchors anchors, ClientCertificatePolicy policy) {
    this.state = state(anchors, policy);
  }

  /** Puts a new policy (e.g. fresh CRLs) in service, keeping the anchors. */
  public void update(ClientCertificatePolicy policy) {
    update(state.anchors(), policy);
  }

  public TrustAnchors anchors() {
    return state.anchors();
  }

  public ClientCertificatePolicy policy() {
    return state.policy();
  }

  /** Changes with every update; sessions validated under an older generation must be validated again. */
  public long generation() {
    return state.generation();
  }

  /**
   * Validates a chain outside a handshake, e.g. again for a session that started before the last reload.
   * Signature-algorithm constraints negotiated in the handshake do not apply here.
   */
  public void revalidate(X509Certificate[] chain) throws CertificateRejectedException {
    State current = state;
    check(current, chain, () -> current.pkix().checkClientTrusted(chain, "UNKNOWN"));
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
      throws CertificateException {
    State current = state;
    check(current, chain, () -> {
      if (current.pkix() instanceof X509ExtendedTrustManager extended) {
        extended.checkClientTrusted(chain, authType, engine);
      } else {
        current.pkix().checkClientTrusted(chain, authType);
      }
    });
    SSLSession handshake = engine == null ? null : engine.getHandshakeSession();
    if (handshake != null) {
      handshake.putValue(VALIDATED_GENERATION, current.generation());
    }
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
      throws CertificateException {
    State current = state;
    check(current, chain, () -> {
      if (current.pkix() instanceof X509ExtendedTrustManager extended) {
        extended.checkClientTrusted(chain, authType, socket);
      } else {
        current.pkix().checkClientTrusted(chain, authType);
      }
    });
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
    State current = state;
    check(current, chain, () -> current.pkix().checkClientTrusted(chain, authType));
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
      throws CertificateException {
    checkServerTrusted(chain, authType);
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
      throws CertificateException {
    checkServerTrusted(chain, authType);
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
    throw new CertificateException("this trust manager validates clients only");
  }

  /** The anchors, sent to clients as the certificate authorities the server accepts. */
  @Override
  public X509Certificate[] getAcceptedIssuers() {
    return state.anchors().certificates().toArray(new X509Certificate[0]);
  }

  private interface Validation {
    void run() throws CertificateException;
  }

  private static void check(State state, X509Certificate[] chain, Validation pkix)
      throws CertificateRejectedException {
    if (chain == null || chain.length == 0) {
      throw new CertificateRejectedException(RejectionReason.NO_CERTIFICATE, null, null, null);
    }
    try {
      pkix.run();
    } catch (CertificateRejectedException e) {
      throw e;
    } catch (CertificateException | RuntimeException e) {
      RejectionReason reason = classify(e, chain[0]);
      throw new CertificateRejectedException(reason, chain[0], detail(reason, chain, state.anchors(), e), e);
    }
    state.policy().check(chain, state.anchors().certificates());
  }

  /** Turns the JDK's exception into one reason, from the most specific evidence in its causes. */
  static RejectionReason classify(Throwable failure, X509Certificate leaf) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof CertificateExpiredException) {
        return RejectionReason.EXPIRED;
      }
      if (t instanceof CertificateNotYetValidException) {
        return RejectionReason.NOT_YET_VALID;
      }
      if (t instanceof CertPathValidatorException validator) {
        CertPathValidatorException.Reason reason = validator.getReason();
        if (reason == BasicReason.EXPIRED) {
          return RejectionReason.EXPIRED;
        }
        if (reason == BasicReason.NOT_YET_VALID) {
          return RejectionReason.NOT_YET_VALID;
        }
        if (reason == BasicReason.REVOKED) {
          return RejectionReason.REVOKED;
        }
        if (reason == BasicReason.UNDETERMINED_REVOCATION_STATUS) {
          return RejectionReason.REVOCATION_UNKNOWN;
        }
        if (reason == BasicReason.ALGORITHM_CONSTRAINED) {
          return RejectionReason.WEAK_ALGORITHM;
        }
        if (reason == PKIXReason.INVALID_KEY_USAGE) {
          return RejectionReason.WRONG_KEY_USAGE;
        }
        if (reason == PKIXReason.NO_TRUST_ANCHOR || reason == BasicReason.INVALID_SIGNATURE) {
          return RejectionReason.UNTRUSTED_ISSUER;
        }
      }
      String message = String.valueOf(t.getMessage());
      if (message.contains("key usage") || message.contains("KeyUsage")) {
        return RejectionReason.WRONG_KEY_USAGE;
      }
    }
    // Path building gives up without a structured reason when no trusted issuer signs the chain. Before calling
    // it untrusted, check the leaf's own validity: the JDK may report a date problem that way too.
    try {
      leaf.checkValidity();
    } catch (CertificateExpiredException e) {
      return RejectionReason.EXPIRED;
    } catch (CertificateNotYetValidException e) {
      return RejectionReason.NOT_YET_VALID;
    }
    String message = String.valueOf(failure.getMessage());
    if (message.contains("PKIX path") || message.contains("certification path") || message.contains("signature")) {
      return RejectionReason.UNTRUSTED_ISSUER;
    }
    return RejectionReason.INVALID_CERTIFICATE;
  }

  /** The specific problem in plain words, where the JDK's message is not plain. */
  private static String detail(RejectionReason reason, X509Certificate[] chain, TrustAnchors anchors,
      Exception failure) {
    java.time.Instant now = java.time.Instant.now();
    for (int i = 0; i < chain.length; i++) {
      X509Certificate certificate = chain[i];
      String which = (i == 0 ? "the client certificate " : "chain certificate " + (i + 1) + " ")
          + DistinguishedName.of(certificate.getSubjectX500Principal());
      if (reason == RejectionReason.EXPIRED && certificate.getNotAfter().toInstant().isBefore(now)) {
        return which + " expired on " + certificate.getNotAfter().toInstant();
      }
      if (reason == RejectionReason.NOT_YET_VALID && certificate.getNotBefore().toInstant().isAfter(now)) {
        return which + " is not valid before " + certificate.getNotBefore().toInstant();
      }
    }
    if (reason == RejectionReason.UNTRUSTED_ISSUER) {
      List<String> names = new ArrayList<>();
      for (X509Certificate anchor : anchors.certificates()) {
        names.add(DistinguishedName.of(anchor.getSubjectX500Principal()).toString());
      }
      return "no trust anchor of this server signed the chain (trusted: " + String.join("; ", names)
          + "); a CA with the same name but another key is a different CA";
    }
    return failure.getMessage();
  }

  private static State state(TrustAnchors anchors, ClientCertificatePolicy policy) {
    Objects.requireNonNull(anchors, "anchors == null");
    Objects.requireNonNull(policy, "policy == null");
    return new State(anchors, anchors.trustManager(), policy, GENERATIONS.incrementAndGet());
  }
}
