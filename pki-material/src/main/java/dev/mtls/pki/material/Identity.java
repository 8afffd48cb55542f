package dev.mtls.pki.material;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyStore;
import java.security.KeyStoreException;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.UnrecoverableKeyException;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedKeyManager;

/**
 * Who I am: a private key and its certificate chain (leaf first, then intermediates; the root is optional).
 * Construction checks that the key matches the leaf and that each certificate was issued by the next one,
 * so a broken pair fails here, with the file named, and never in a handshake.
 */
public final class Identity {
  private final PrivateKey privateKey;
  private final List<X509Certificate> chain;

  private Identity(PrivateKey privateKey, List<X509Certificate> chain) {
    this.privateKey = privateKey;
    this.chain = chain;
  }

  public static Identity of(PrivateKey privateKey, List<X509Certificate> chain) {
    return checked(privateKey, chain, "identity");
  }

  /**
   * Loads a PEM chain (leaf first) and a PEM private key; {@code password} is null for an unencrypted key.
   * Accepts the cert-manager layout as is: {@code tls.crt} and {@code tls.key}.
   */
  public static Identity loadPem(Path certificateChain, Path privateKey, char[] password) {
    List<X509Certificate> chain = Pem.loadCertificates(certificateChain);
    PrivateKey key = Pem.loadPrivateKey(privateKey, password);
    return checked(key, chain, certificateChain + " with key " + privateKey);
  }

  /**
   * Loads the key entry {@code alias} from a PKCS#12 file; with a null alias the file must hold exactly one
   * key entry.
   */
  public static Identity loadPkcs12(Path file, char[] password, String alias) {
    KeyStore store = Pkcs12Files.load(file, password);
    try {
      List<String> keyAliases = new ArrayList<>();
      for (String candidate : Collections.list(store.aliases())) {
        if (store.isKeyEntry(candidate)) {
          keyAliases.add(candidate);
        }
      }
      String chosen = alias;
      if (chosen == null) {
        if (keyAliases.isEmpty()) {
          throw KeyMaterialException.in(file, "holds no private key, only certificates (is it a truststore?)");
        }
        if (keyAliases.size() > 1) {
          throw KeyMaterialException.in(file, "holds " + keyAliases.size() + " keys "
              + SafeText.escape(keyAliases.toString()) + "; choose one with an alias");
        }
        chosen = keyAliases.get(0);
      } else if (!keyAliases.contains(chosen)) {
        throw KeyMaterialException.in(file, "has no key entry '" + SafeText.escape(alias) + "'; its keys are "
            + SafeText.escape(keyAliases.toString()));
      }
      Key key = store.getKey(chosen, password);
      if (!(key instanceof PrivateKey privateKey)) {
        throw KeyMaterialException.in(file, "entry '" + SafeText.escape(chosen) + "' is not a private key");
      }
      Certificate[] stored = store.getCertificateChain(chosen);
      if (stored == null || stored.length == 0) {
        throw KeyMaterialException.in(file, "key entry '" + SafeText.escape(chosen) + "' has no certificate; export"
            + " the key together with its certificate chain");
      }
      List<X509Certificate> chain = new ArrayList<>();
      for (Certificate certificate : stored) {
        chain.add((X509Certificate) certificate);
      }
      return checked(privateKey, chain, file.toString());
    } catch (UnrecoverableKeyException e) {
      throw KeyMaterialException.in(file, "wrong password for the private key", e);
    } catch (GeneralSecurityException e) {
      throw KeyMaterialException.in(file, "cannot read the key entry: " + SafeText.escape(e.getMessage()), e);
    }
  }

  public PrivateKey privateKey() {
    return privateKey;
  }

  /** The leaf certificate. */
  public X509Certificate certificate() {
    return chain.get(0);
  }

  /** Leaf first, as sent in the TLS Certificate message. */
  public List<X509Certificate> chain() {
    return chain;
  }

  /**
   * A key manager that always presents this identity when the peer accepts its key type. The JDK's default
   * key manager silently sends no certificate when our issuer is not in the peer's CertificateRequest list;
   * presenting it anyway (as curl and openssl do) lets the peer say why it refuses, which is what a
   * reference should teach.
   */
  public X509ExtendedKeyManager keyManager() {
    return new SingleIdentityKeyManager(this);
  }

  private static Identity checked(PrivateKey key, List<X509Certificate> chain, String source) {
    Objects.requireNonNull(key, "privateKey == null");
    if (chain == null || chain.isEmpty()) {
      throw new KeyMaterialException(source + ": no certificate for the private key");
    }
    if (!KeyPairs.matches(chain.get(0).getPublicKey(), key)) {
      throw new KeyMaterialException(source + ": the private key does not match the certificate "
          + SafeText.escape(chain.get(0).getSubjectX500Principal().getName()));
    }
    for (int i = 0; i + 1 < chain.size(); i++) {
      X509Certificate child = chain.get(i);
      X509Certificate parent = chain.get(i + 1);
      try {
        child.verify(parent.getPublicKey());
      } catch (GeneralSecurityException e) {
        throw new KeyMaterialException(source + ": chain out of order: certificate " + (i + 1) + " ("
            + SafeText.escape(child.getSubjectX500Principal().getName()) + ") was not signed by certificate "
            + (i + 2) + " (" + SafeText.escape(parent.getSubjectX500Principal().getName())
            + "); list the leaf first, then its issuer");
      }
    }
    return new Identity(key, List.copyOf(chain));
  }

  private static final class SingleIdentityKeyManager extends X509ExtendedKeyManager {
    private static final String ALIAS = "identity";
    private final Identity identity;
    private final String keyType;

    SingleIdentityKeyManager(Identity identity) {
      this.identity = identity;
      this.keyType = identity.privateKey.getAlgorithm();
    }

    private String alias(String[] keyTypes) {
      if (keyTypes == null) {
        return ALIAS;
      }
      for (String type : keyTypes) {
        // JSSE names key types "EC", "RSA", "RSASSA-PSS", "Ed25519"/"EdDSA", sometimes with "_…" suffixes.
        String base = type.contains("_") ? type.substring(0, type.indexOf('_')) : type;
        if (base.equalsIgnoreCase(keyType) || (base.equals("EdDSA") && keyType.startsWith("Ed"))
            || (base.equals("EC") && keyType.equals("ECDSA"))) {
          return ALIAS;
        }
      }
      return null;
    }

    @Override
    public String chooseClientAlias(String[] keyTypes, Principal[] issuers, Socket socket) {
      return alias(keyTypes);
    }

    @Override
    public String chooseEngineClientAlias(String[] keyTypes, Principal[] issuers, SSLEngine engine) {
      return alias(keyTypes);
    }

    @Override
    public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
      return alias(new String[] {keyType});
    }

    @Override
    public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
      return alias(new String[] {keyType});
    }

    @Override
    public String[] getClientAliases(String keyType, Principal[] issuers) {
      return alias(new String[] {keyType}) == null ? null : new String[] {ALIAS};
    }

    @Override
    public String[] getServerAliases(String keyType, Principal[] issuers) {
      return getClientAliases(keyType, issuers);
    }

    @Override
    public X509Certificate[] getCertificateChain(String alias) {
      return ALIAS.equals(alias) ? identity.chain.toArray(new X509Certificate[0]) : null;
    }

    @Override
    public PrivateKey getPrivateKey(String alias) {
      return ALIAS.equals(alias) ? identity.privateKey : null;
    }
  }

  /** PKCS#12 reading shared with {@link TrustAnchors}. */
  static final class Pkcs12Files {
    private Pkcs12Files() {}

    static KeyStore load(Path file, char[] password) {
      try (InputStream in = Files.newInputStream(file)) {
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(in, password);
        return store;
      } catch (NoSuchFileException e) {
        throw KeyMaterialException.in(file, "file not found");
      } catch (IOException e) {
        if (e.getCause() instanceof UnrecoverableKeyException || String.valueOf(e.getMessage()).contains("password")) {
          throw KeyMaterialException.in(file, "wrong password for the PKCS#12 file", e);
        }
        throw KeyMaterialException.in(file, "not a readable PKCS#12 file (" + SafeText.escape(e.getMessage())
            + "); is it PEM? then load it as PEM", e);
      } catch (KeyStoreException e) {
        throw new AssertionError("every JDK has PKCS12", e);
      } catch (GeneralSecurityException e) {
        throw KeyMaterialException.in(file, "cannot read the PKCS#12 file: " + SafeText.escape(e.getMessage()), e);
      }
    }
  }
}
