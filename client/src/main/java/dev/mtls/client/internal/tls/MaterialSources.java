package dev.mtls.client.internal.tls;

import dev.mtls.pki.material.Identity;
import dev.mtls.pki.material.TrustAnchors;
import dev.mtls.pki.material.reload.ReloadableIdentity;
import dev.mtls.pki.material.reload.ReloadableTrust;
import dev.mtls.pki.material.renewal.Renewal;
import dev.mtls.pki.material.renewal.RenewalListener;
import dev.mtls.pki.material.trust.MissingCrlPolicy;
import dev.mtls.pki.material.trust.Purpose;
import dev.mtls.pki.material.trust.RevocationSource;
import dev.mtls.pki.material.trust.Trust;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Objects;
import java.util.function.Function;
import java.util.function.Supplier;
import javax.net.ssl.SSLContext;

/**
 * Where our identity and trust come from: each fixed, read from files (and reloaded), or absent; or instead of
 * both, the caller's own SSLContext.
 *
 * @param identity      our fixed identity, or null
 * @param identityFiles our identity from files, or null
 * @param trust         a fixed trust, or null
 * @param trustFiles    trust anchors (fixed or from files) with CRL files and revocation settings, or null
 * @param sslContext    the caller's own SSLContext, or null
 */
public record MaterialSources(Identity identity, ReloadableIdentity identityFiles, Trust trust,
    ReloadableTrust trustFiles, SSLContext sslContext) {

  /** Collects the sources as the client's builder is given them, and refuses combinations that make no sense. */
  public static final class Builder {
    private Identity identity;
    private Function<Clock, ReloadableIdentity> identityFiles;
    private Trust trust;
    private final ReloadableTrust.Builder trustFiles = ReloadableTrust.builder();
    private boolean crlFiles;
    private boolean onlineRevocation;
    private SSLContext sslContext;
    private URI renewFrom;
    private Path[] pem;
    private char[] pemPassword;

    public void identity(Identity identity) {
      this.identity = Objects.requireNonNull(identity, "identity == null");
      this.identityFiles = null;
      this.pem = null;
    }

    public void identityPem(Path chain, Path key, char[] password) {
      Objects.requireNonNull(chain, "chain == null");
      Objects.requireNonNull(key, "key == null");
      char[] copy = password == null ? null : password.clone();
      this.identityFiles = clock -> ReloadableIdentity.pem(chain, key, copy, Purpose.CLIENT, clock);
      this.identity = null;
      this.pem = new Path[] {chain, key};
      this.pemPassword = copy;
    }

    public void identityPkcs12(Path file, char[] password, String alias) {
      Objects.requireNonNull(file, "file == null");
      char[] copy = password == null ? null : password.clone();
      this.identityFiles = clock -> ReloadableIdentity.pkcs12(file, copy, alias, Purpose.CLIENT, clock);
      this.identity = null;
      this.pem = null;
    }

    public void anchors(TrustAnchors anchors) {
      trustFiles.anchors(Objects.requireNonNull(anchors, "anchors == null"));
    }

    public void trust(Trust trust) {
      this.trust = Objects.requireNonNull(trust, "trust == null");
    }

    public void anchorsPem(Path bundle) {
      trustFiles.anchorsPem(bundle);
    }

    public void anchorsPkcs12(Path file, char[] password) {
      trustFiles.anchorsPkcs12(file, password);
    }

    public void addCrlFile(Path file) {
      trustFiles.addCrlFile(file);
      crlFiles = true;
    }

    public void missingCrl(MissingCrlPolicy policy) {
      trustFiles.missingCrl(policy);
    }

    public void revocationSource(RevocationSource source) {
      trustFiles.revocationSource(source);
      onlineRevocation = source != null;
    }

    public void requireStapledOcsp(boolean required) {
      trustFiles.requireStapledOcsp(required);
      onlineRevocation |= required;
    }

    public void renewFrom(URI est) {
      this.renewFrom = Renewal.check(est);
    }

    /**
     * The renewal {@code renewFrom} asks for, not started, or null; made before the identity is first loaded, since
     * making it completes a replacement of the files a crash interrupted.
     */
    public Renewal renewal(Clock clock, Supplier<Trust> trust, RenewalListener listener, Runnable reload) {
      if (renewFrom == null) {
        return null;
      }
      return Renewal.from(renewFrom).identityPem(pem[0], pem[1], pemPassword).trust(trust).purpose(Purpose.CLIENT)
          .clock(clock).listener(listener).afterWrite(reload).build();
    }

    public void sslContext(SSLContext context) {
      this.sslContext = Objects.requireNonNull(context, "context == null");
    }

    /** The sources, with {@code clock} judging reloaded identities; a combination that makes no sense is refused. */
    public MaterialSources build(Clock clock) {
      boolean ownMaterial = identity != null || identityFiles != null || trust != null || trustFiles.hasAnchors()
          || crlFiles || onlineRevocation;
      if (sslContext != null && ownMaterial) {
        throw new IllegalStateException("an SSLContext carries its own identity and trust: set either sslContext or "
            + "identity and trust, not both");
      }
      if (renewFrom != null && pem == null) {
        throw new IllegalStateException("renewFrom needs our identity as PEM files (identityPem): renewal writes the"
            + " new key and certificate over them, which it cannot do for an identity in memory or in PKCS#12");
      }
      if (trust != null && trustFiles.hasAnchors()) {
        throw new IllegalStateException("trust is set twice: give a Trust, or anchors (with CRL files), not both");
      }
      if ((crlFiles || onlineRevocation) && !trustFiles.hasAnchors()) {
        throw new IllegalStateException("CRL files and revocation sources need trust anchors: set"
            + " trust(TrustAnchors), trustPem or trustPkcs12 too (with trust(Trust), configure them on the Trust)");
      }
      if (sslContext == null && trust == null && !trustFiles.hasAnchors()) {
        throw new IllegalStateException("no trust for servers: set trust(TrustAnchors), trustPem(...) or"
            + " trustPkcs12(...), or trust(Trust.system()) to trust the JDK's public CAs");
      }
      return new MaterialSources(identity, identityFiles == null ? null : identityFiles.apply(clock), trust,
          trustFiles.hasAnchors() ? trustFiles.build() : null, sslContext);
    }
  }
}
