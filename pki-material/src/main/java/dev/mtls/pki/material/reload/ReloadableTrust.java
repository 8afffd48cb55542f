package dev.mtls.pki.material.reload;

import dev.mtls.pki.material.TrustAnchors;
import dev.mtls.pki.material.trust.CrlSet;
import dev.mtls.pki.material.trust.MissingCrlPolicy;
import dev.mtls.pki.material.trust.RevocationSource;
import dev.mtls.pki.material.trust.Trust;
import java.nio.file.Path;
import java.security.cert.X509CRL;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The {@link Trust} in service, made of independently reloadable units: the trust anchors and each CRL source.
 * Each applied change makes a new trust (a new generation); the trust manager and the open connections ask
 * {@link #get()} and so see it.
 */
public final class ReloadableTrust implements Supplier<Trust> {
  private final AtomicReference<Trust> current = new AtomicReference<>();
  private final MissingCrlPolicy missingCrl;
  private final RevocationSource online;
  private final boolean stapleRequired;
  private final List<MaterialUnit<?>> units = new ArrayList<>();

  private ReloadableTrust(Builder builder) {
    this.missingCrl = builder.missingCrl;
    this.online = builder.online;
    this.stapleRequired = builder.stapleRequired;
    units.add(anchorsUnit(builder));
    for (Path file : builder.crlFiles) {
      String source = file.toString();
      units.add(MaterialUnit.of("CRL file " + source, List.of(file), () -> CrlSet.load(file),
          crls -> replaceCrls(source, crls), crls -> crls.size() + " CRL(s)"));
    }
    for (var fixed : builder.fixedCrls) {
      units.add(MaterialUnit.fixed("CRLs " + fixed.source(), fixed.crls(), crls -> replaceCrls(fixed.source(), crls),
          crls -> crls.size() + " CRL(s)"));
    }
  }

  public static Builder builder() {
    return new Builder();
  }

  /** The units, anchors first, to load and poll with a {@link MaterialReloader}. */
  public List<MaterialUnit<?>> units() {
    return List.copyOf(units);
  }

  /** The trust in service; the units must have been loaded. */
  @Override
  public Trust get() {
    Trust trust = current.get();
    if (trust == null) {
      throw new IllegalStateException("the trust material has not been loaded yet");
    }
    return trust;
  }

  private MaterialUnit<TrustAnchors> anchorsUnit(Builder builder) {
    Consumer<TrustAnchors> apply = anchors -> {
      Trust next = current.get() == null ? Trust.of(anchors, CrlSet.NONE, missingCrl)
          .withRevocationSource(online).requiringStapledOcsp(stapleRequired) : current.get().withAnchors(anchors);
      current.set(next);
    };
    Function<TrustAnchors, String> describe =
        anchors -> anchors.certificates().size() + " trust anchor(s)";
    if (builder.anchorsFile == null) {
      return MaterialUnit.fixed("trust anchors", builder.anchors, apply, describe);
    }
    return MaterialUnit.of("trust anchors " + builder.anchorsFile, List.of(builder.anchorsFile), builder.anchorsLoader,
        apply, describe);
  }

  private synchronized void replaceCrls(String source, List<X509CRL> crls) {
    Trust trust = get();
    current.set(trust.withCrls(trust.crls().with(source, crls)));
  }

  /** Where the anchors and CRLs come from; anchors are required. */
  public static final class Builder {
    private record FixedCrls(String source, List<X509CRL> crls) {}

    private TrustAnchors anchors;
    private Path anchorsFile;
    private Supplier<TrustAnchors> anchorsLoader;
    private final List<Path> crlFiles = new ArrayList<>();
    private final List<FixedCrls> fixedCrls = new ArrayList<>();
    private MissingCrlPolicy missingCrl = MissingCrlPolicy.REFUSE;
    private RevocationSource online;
    private boolean stapleRequired;

    private Builder() {}

    /**
     * Where to ask about certificates no CRL file decides (OCSP responders, CRL distribution points), e.g. an
     * {@link dev.mtls.pki.material.revocation.OnlineRevocation}; null for nowhere.
     */
    public Builder revocationSource(RevocationSource source) {
      this.online = source;
      return this;
    }

    /** For judging servers: refuse a server certificate without a stapled OCSP response. */
    public Builder requireStapledOcsp(boolean required) {
      this.stapleRequired = required;
      return this;
    }

    /** Fixed anchors, never reloaded. */
    public Builder anchors(TrustAnchors anchors) {
      this.anchors = Objects.requireNonNull(anchors, "anchors == null");
      this.anchorsFile = null;
      return this;
    }

    /** A PEM bundle of CA certificates (cert-manager's {@code ca.crt}), reloaded when it changes. */
    public Builder anchorsPem(Path bundle) {
      this.anchorsFile = Objects.requireNonNull(bundle, "bundle == null");
      this.anchorsLoader = () -> TrustAnchors.loadPem(bundle);
      return this;
    }

    /** The trusted-certificate entries of a PKCS#12 truststore, reloaded when it changes. */
    public Builder anchorsPkcs12(Path file, char[] password) {
      char[] copy = password == null ? null : password.clone();
      this.anchorsFile = Objects.requireNonNull(file, "file == null");
      this.anchorsLoader = () -> TrustAnchors.loadPkcs12(file, copy);
      return this;
    }

    /** A PEM file of CRLs, reloaded when it changes; each file is its own unit. */
    public Builder addCrlFile(Path file) {
      crlFiles.add(Objects.requireNonNull(file, "file == null"));
      return this;
    }

    /** CRLs given in memory, never reloaded. */
    public Builder crls(String source, List<X509CRL> crls) {
      fixedCrls.add(new FixedCrls(source, List.copyOf(crls)));
      return this;
    }

    /** What to do when CRLs are configured but a CA in a path has none. If unset: refuse. */
    public Builder missingCrl(MissingCrlPolicy missingCrl) {
      this.missingCrl = Objects.requireNonNull(missingCrl, "missingCrl == null");
      return this;
    }

    /** Whether any anchors were configured. */
    public boolean hasAnchors() {
      return anchors != null || anchorsFile != null;
    }

    public ReloadableTrust build() {
      if (!hasAnchors()) {
        throw new IllegalStateException("no trust anchors configured");
      }
      return new ReloadableTrust(this);
    }
  }
}
