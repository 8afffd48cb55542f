package dev.mtls.pki.material;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import org.bouncycastle.pkcs.PKCS12PfxPdu;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whom I trust: the certificates that end a valid chain. An anchor counts only within its own validity, and its
 * pathLen and name constraints bound what is under it, as OpenSSL applies them; loading one that is expired, not
 * yet valid or ends within {@link #EXPIRY_WARNING} says so in a WARN line naming the file.
 */
public final class TrustAnchors {
  /** How long before an anchor's notAfter loading it warns: time to give the verifiers the CA's renewed one. */
  public static final Duration EXPIRY_WARNING = Duration.ofDays(30);

  private static final Logger LOG = LoggerFactory.getLogger(TrustAnchors.class);

  private final List<X509Certificate> certificates;

  private TrustAnchors(List<X509Certificate> certificates) {
    this.certificates = certificates;
  }

  public static TrustAnchors of(Collection<X509Certificate> certificates) {
    if (certificates.isEmpty()) {
      throw new KeyMaterialException("no trust anchors given");
    }
    return new TrustAnchors(List.copyOf(certificates));
  }

  /** A PEM bundle, such as cert-manager's {@code ca.crt}. */
  public static TrustAnchors loadPem(Path bundle) {
    return warnAboutValidity(bundle, new TrustAnchors(Pem.loadCertificates(bundle)));
  }

  /**
   * The trusted-certificate entries of a PKCS#12 truststore. The password is required and the file must carry an
   * integrity MAC, which the password checks: the JDK reads a truststore without a password by skipping that check,
   * and whoever can write the file could then add a CA unnoticed.
   */
  public static TrustAnchors loadPkcs12(Path file, char[] password) {
    if (password == null || password.length == 0) {
      throw KeyMaterialException.in(file, "a PKCS#12 truststore needs its password: without it the file's integrity"
          + " (its MAC) cannot be checked, and anyone able to write the file could add a CA");
    }
    requireMac(file);
    KeyStore store = Identity.Pkcs12Files.load(file, password);
    List<X509Certificate> anchors = new ArrayList<>();
    try {
      for (String alias : Collections.list(store.aliases())) {
        if (store.isCertificateEntry(alias)) {
          Certificate certificate = store.getCertificate(alias);
          anchors.add((X509Certificate) certificate);
        }
      }
    } catch (GeneralSecurityException e) {
      throw KeyMaterialException.in(file, "cannot read the truststore: " + SafeText.escape(e.getMessage()), e);
    }
    if (anchors.isEmpty()) {
      throw KeyMaterialException.in(file, "holds no trusted certificate entries (a keystore with only keys?)");
    }
    return warnAboutValidity(file, new TrustAnchors(List.copyOf(anchors)));
  }

  private static void requireMac(Path file) {
    byte[] encoded;
    try {
      encoded = Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      throw KeyMaterialException.in(file, "file not found");
    } catch (IOException e) {
      throw KeyMaterialException.in(file, "cannot read: " + e.getMessage(), e);
    }
    boolean hasMac;
    try {
      hasMac = new PKCS12PfxPdu(encoded).hasMac();
    } catch (RuntimeException | IOException e) {
      throw KeyMaterialException.in(file, "not a readable PKCS#12 file; is it PEM? then load it as PEM", e);
    }
    if (!hasMac) {
      throw KeyMaterialException.in(file, "the PKCS#12 truststore has no integrity MAC, so nothing proves it was not"
          + " altered; recreate it with a password (pki p12 --trust, or keytool)");
    }
  }

  /** The JDK's own trust store (cacerts), for clients of public servers. Read through the JDK's trust manager. */
  public static TrustAnchors system() {
    X509TrustManager manager = trustManagerFor(null);
    return new TrustAnchors(List.of(manager.getAcceptedIssuers()));
  }

  public List<X509Certificate> certificates() {
    return certificates;
  }

  /**
   * The anchors not valid throughout {@code from} .. {@code until}: expired, not yet valid, or ending in between. A
   * chain ending at an anchor is refused outside the anchor's validity.
   */
  public List<X509Certificate> notValidThroughout(Instant from, Instant until) {
    return certificates.stream().filter(anchor -> anchor.getNotBefore().toInstant().isAfter(from)
        || anchor.getNotAfter().toInstant().isBefore(until)).toList();
  }

  private static TrustAnchors warnAboutValidity(Path file, TrustAnchors anchors) {
    Instant now = Instant.now();
    for (X509Certificate anchor : anchors.notValidThroughout(now, now.plus(EXPIRY_WARNING))) {
      String name = "trust anchor \"" + DistinguishedName.of(anchor.getSubjectX500Principal()).toDisplayString()
          + "\"";
      Instant notBefore = anchor.getNotBefore().toInstant().truncatedTo(ChronoUnit.SECONDS);
      Instant notAfter = anchor.getNotAfter().toInstant().truncatedTo(ChronoUnit.SECONDS);
      if (notAfter.isBefore(now)) {
        LOG.warn("{}: {} expired on {}: every chain ending at it is refused; replace it with its CA's renewed"
            + " certificate", file, name, notAfter);
      } else if (notBefore.isAfter(now)) {
        LOG.warn("{}: {} is not valid before {}: chains ending at it are refused until then; check the clock",
            file, name, notBefore);
      } else {
        LOG.warn("{}: {} expires on {}, in {} days: chains ending at it are refused from then on; add its CA's"
            + " renewed certificate to this file before then", file, name, notAfter,
            Duration.between(now, notAfter).toDays());
      }
    }
    return anchors;
  }

  public KeyStore keyStore() {
    try {
      KeyStore store = KeyStore.getInstance("PKCS12");
      store.load(null, null);
      for (int i = 0; i < certificates.size(); i++) {
        store.setCertificateEntry("anchor-" + i, certificates.get(i));
      }
      return store;
    } catch (GeneralSecurityException | IOException e) {
      throw new AssertionError("an empty in-memory keystore cannot fail", e);
    }
  }

  private static X509TrustManager trustManagerFor(KeyStore store) {
    try {
      TrustManagerFactory factory = TrustManagerFactory.getInstance("PKIX");
      factory.init(store);
      for (TrustManager manager : factory.getTrustManagers()) {
        if (manager instanceof X509TrustManager x509) {
          return x509;
        }
      }
      throw new AssertionError("PKIX always provides an X509TrustManager");
    } catch (GeneralSecurityException e) {
      throw new AssertionError("PKIX is in every JDK", e);
    }
  }
}
