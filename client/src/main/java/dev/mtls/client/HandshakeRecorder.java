package dev.mtls.client;

import java.net.Socket;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedKeyManager;
import javax.net.ssl.X509ExtendedTrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * Wraps our key and trust managers to record each handshake into a {@link Handshake} bound to the current
 * thread (the classic client handshakes on the calling thread). Nothing is decided here: the wrappers only
 * observe and delegate, so the security behaviour is exactly that of the wrapped managers.
 */
final class HandshakeRecorder {
  private final ThreadLocal<Handshake> current = new ThreadLocal<>();
  private final AtomicInteger serverCertificatesChecked = new AtomicInteger();

  void begin(Handshake handshake) {
    current.set(handshake);
  }

  void end() {
    current.remove();
  }

  /** Full handshakes: the server sent its certificate and we checked it (a resumption does not). */
  int fullHandshakes() {
    return serverCertificatesChecked.get();
  }

  /** Wraps {@code delegate}; with a null delegate the wrapper offers no certificate but still records. */
  X509ExtendedKeyManager keyManager(X509ExtendedKeyManager delegate) {
    return new RecordingKeyManager(delegate);
  }

  X509ExtendedTrustManager trustManager(X509TrustManager delegate) {
    if (!(delegate instanceof X509ExtendedTrustManager extended)) {
      throw new IllegalArgumentException("trust manager " + delegate.getClass().getName()
          + " cannot check host names; use TrustAnchors.trustManager()");
    }
    return new RecordingTrustManager(extended);
  }

  private void clientAliasChosen(String[] keyTypes, Principal[] issuers, String alias) {
    Handshake handshake = current.get();
    if (handshake != null) {
      handshake.certificateRequested = true;
      handshake.acceptedKeyTypes = keyTypes == null ? List.of() : List.copyOf(Arrays.asList(keyTypes));
      handshake.acceptedIssuers = issuers == null ? List.of() : List.copyOf(Arrays.asList(issuers));
      handshake.certificateSent = alias != null;
    }
  }

  private final class RecordingKeyManager extends X509ExtendedKeyManager {
    private final X509ExtendedKeyManager delegate;

    RecordingKeyManager(X509ExtendedKeyManager delegate) {
      this.delegate = delegate;
    }

    @Override
    public String chooseClientAlias(String[] keyTypes, Principal[] issuers, Socket socket) {
      String alias = delegate == null ? null : delegate.chooseClientAlias(keyTypes, issuers, socket);
      clientAliasChosen(keyTypes, issuers, alias);
      return alias;
    }

    @Override
    public String chooseEngineClientAlias(String[] keyTypes, Principal[] issuers, SSLEngine engine) {
      String alias = delegate == null ? null : delegate.chooseEngineClientAlias(keyTypes, issuers, engine);
      clientAliasChosen(keyTypes, issuers, alias);
      return alias;
    }

    @Override
    public String[] getClientAliases(String keyType, Principal[] issuers) {
      return delegate == null ? null : delegate.getClientAliases(keyType, issuers);
    }

    @Override
    public String[] getServerAliases(String keyType, Principal[] issuers) {
      return null;
    }

    @Override
    public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
      return null;
    }

    @Override
    public X509Certificate[] getCertificateChain(String alias) {
      return delegate == null ? null : delegate.getCertificateChain(alias);
    }

    @Override
    public PrivateKey getPrivateKey(String alias) {
      return delegate == null ? null : delegate.getPrivateKey(alias);
    }
  }

  private final class RecordingTrustManager extends X509ExtendedTrustManager {
    private final X509ExtendedTrustManager delegate;

    RecordingTrustManager(X509ExtendedTrustManager delegate) {
      this.delegate = delegate;
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
        throws CertificateException {
      Handshake handshake = observe(chain);
      try {
        delegate.checkServerTrusted(chain, authType, socket);
      } catch (CertificateException e) {
        classify(handshake, chain, authType, e);
        throw e;
      }
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
        throws CertificateException {
      Handshake handshake = observe(chain);
      try {
        delegate.checkServerTrusted(chain, authType, engine);
      } catch (CertificateException e) {
        classify(handshake, chain, authType, e);
        throw e;
      }
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
      Handshake handshake = observe(chain);
      try {
        delegate.checkServerTrusted(chain, authType);
      } catch (CertificateException e) {
        classify(handshake, chain, authType, e);
        throw e;
      }
    }

    private Handshake observe(X509Certificate[] chain) {
      serverCertificatesChecked.incrementAndGet();
      Handshake handshake = current.get();
      if (handshake != null && chain != null) {
        handshake.serverChain = List.copyOf(Arrays.asList(chain));
      }
      return handshake;
    }

    /**
     * The JDK reports an untrusted chain and a host-name mismatch with the same exception type. Checking
     * the chain again without the host name tells them apart without parsing messages.
     */
    private void classify(Handshake handshake, X509Certificate[] chain, String authType, CertificateException e) {
      if (handshake == null) {
        return;
      }
      handshake.trustFailureDetail = e.getMessage();
      try {
        delegate.checkServerTrusted(chain, authType);
        handshake.trustFailure = Handshake.TrustFailure.HOSTNAME;
      } catch (CertificateException chainProblem) {
        handshake.trustFailure = Handshake.TrustFailure.UNTRUSTED_CHAIN;
      }
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
        throws CertificateException {
      throw new CertificateException("a client does not check client certificates");
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
        throws CertificateException {
      throw new CertificateException("a client does not check client certificates");
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
      throw new CertificateException("a client does not check client certificates");
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
      return delegate.getAcceptedIssuers();
    }
  }
}
