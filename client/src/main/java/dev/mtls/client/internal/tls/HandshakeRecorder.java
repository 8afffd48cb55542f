package dev.mtls.client.internal.tls;

import dev.mtls.pki.material.trust.Verdict;
import java.net.Socket;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedKeyManager;

/**
 * Records each handshake into a {@link Handshake} bound to the current thread (the classic client handshakes on the
 * calling thread) or to its SSLEngine (the async client's I/O threads handshake many connections in turn): the key
 * manager wrapper sees the server's CertificateRequest and whether we answered it, and the trust core tells it its
 * verdict on the server. Nothing is decided here: the wrapper only observes and delegates.
 */
final class HandshakeRecorder {
  private final ThreadLocal<Handshake> current = new ThreadLocal<>();
  // Weak keys: the engine of a connection that failed before its end was seen leaves no entry behind.
  private final Map<SSLEngine, Handshake> engines = Collections.synchronizedMap(new WeakHashMap<>());
  private final AtomicInteger serverCertificatesChecked = new AtomicInteger();

  void begin(Handshake handshake) {
    current.set(handshake);
  }

  void end() {
    current.remove();
  }

  void begin(SSLEngine engine, Handshake handshake) {
    engines.put(engine, handshake);
  }

  void end(SSLEngine engine) {
    engines.remove(engine);
  }

  private Handshake of(SSLEngine engine) {
    Handshake handshake = engine == null ? null : engines.get(engine);
    return handshake != null ? handshake : current.get();
  }

  /** Full handshakes: the server sent its certificate and we checked it (a resumption does not). */
  int fullHandshakes() {
    return serverCertificatesChecked.get();
  }

  /** Wraps {@code delegate}; with a null delegate the wrapper offers no certificate but still records. */
  X509ExtendedKeyManager keyManager(X509ExtendedKeyManager delegate) {
    return new RecordingKeyManager(delegate);
  }

  /** Records the trust core's verdict on the server into its handshake; nothing is decided here. */
  void serverVerdict(SSLEngine engine, Verdict verdict) {
    serverCertificatesChecked.incrementAndGet();
    Handshake handshake = of(engine);
    if (handshake != null) {
      handshake.serverJudged(verdict);
    }
  }

  private void clientAliasChosen(String[] keyTypes, Principal[] issuers, String alias, SSLEngine engine) {
    Handshake handshake = of(engine);
    if (handshake != null) {
      handshake.certificateRequest(keyTypes == null ? List.of() : Arrays.asList(keyTypes),
          issuers == null ? List.of() : Arrays.asList(issuers), alias != null);
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
      clientAliasChosen(keyTypes, issuers, alias, null);
      return alias;
    }

    @Override
    public String chooseEngineClientAlias(String[] keyTypes, Principal[] issuers, SSLEngine engine) {
      String alias = delegate == null ? null : delegate.chooseEngineClientAlias(keyTypes, issuers, engine);
      clientAliasChosen(keyTypes, issuers, alias, engine);
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
}
