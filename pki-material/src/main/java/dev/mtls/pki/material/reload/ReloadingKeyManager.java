package dev.mtls.pki.material.reload;

import dev.mtls.pki.material.Identity;
import java.net.Socket;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedKeyManager;

/**
 * Presents the current identity (key and full chain, leaf first), as a server or as a client; {@link #update} puts
 * a new one in service for the next handshakes. Each identity gets its own alias, so a handshake that chose an alias
 * just before a swap still gets the key and chain of that same identity, never a mix of old and new.
 */
public final class ReloadingKeyManager extends X509ExtendedKeyManager {
  private record Entry(String alias, Identity identity) {}

  private final AtomicLong versions = new AtomicLong();
  private volatile Entry current;
  private volatile Entry previous;

  public ReloadingKeyManager(Identity identity) {
    update(identity);
  }

  public synchronized void update(Identity identity) {
    Objects.requireNonNull(identity, "identity == null");
    previous = current;
    current = new Entry("identity-" + versions.incrementAndGet(), identity);
  }

  public Identity identity() {
    return current.identity();
  }

  @Override
  public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
    Entry entry = current;
    return entry.identity().keyManager().chooseEngineServerAlias(keyType, issuers, engine) == null
        ? null : entry.alias();
  }

  @Override
  public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
    Entry entry = current;
    return entry.identity().keyManager().chooseServerAlias(keyType, issuers, socket) == null ? null : entry.alias();
  }

  @Override
  public String chooseEngineClientAlias(String[] keyTypes, Principal[] issuers, SSLEngine engine) {
    Entry entry = current;
    return entry.identity().keyManager().chooseEngineClientAlias(keyTypes, issuers, engine) == null
        ? null : entry.alias();
  }

  @Override
  public String chooseClientAlias(String[] keyTypes, Principal[] issuers, Socket socket) {
    Entry entry = current;
    return entry.identity().keyManager().chooseClientAlias(keyTypes, issuers, socket) == null ? null : entry.alias();
  }

  @Override
  public String[] getServerAliases(String keyType, Principal[] issuers) {
    String alias = chooseServerAlias(keyType, issuers, null);
    return alias == null ? null : new String[] {alias};
  }

  @Override
  public String[] getClientAliases(String keyType, Principal[] issuers) {
    String alias = chooseClientAlias(new String[] {keyType}, issuers, null);
    return alias == null ? null : new String[] {alias};
  }

  @Override
  public X509Certificate[] getCertificateChain(String alias) {
    Identity identity = find(alias);
    return identity == null ? null : identity.chain().toArray(new X509Certificate[0]);
  }

  @Override
  public PrivateKey getPrivateKey(String alias) {
    Identity identity = find(alias);
    return identity == null ? null : identity.privateKey();
  }

  private Identity find(String alias) {
    Entry entry = current;
    if (entry.alias().equals(alias)) {
      return entry.identity();
    }
    Entry before = previous;
    return before != null && before.alias().equals(alias) ? before.identity() : null;
  }
}
