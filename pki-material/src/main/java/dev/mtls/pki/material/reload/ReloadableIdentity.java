package dev.mtls.pki.material.reload;

import dev.mtls.pki.material.DistinguishedName;
import dev.mtls.pki.material.Identity;
import dev.mtls.pki.material.KeyMaterialException;
import dev.mtls.pki.material.trust.OwnCertificate;
import dev.mtls.pki.material.trust.Purpose;
import dev.mtls.pki.material.trust.Verdict;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Our own identity in service, as one reloadable unit. A replacement is put in service only when its key matches
 * its certificate and the certificate is usable now ({@link OwnCertificate}): an expired one is refused, and one
 * that is not valid yet is tried again at every poll and goes into service the moment it becomes valid.
 */
public final class ReloadableIdentity {
  private final String name;
  private final List<Path> files;
  private final Supplier<Identity> loader;
  private final Purpose purpose;
  private final Clock clock;
  private ReloadingKeyManager keyManager;

  private ReloadableIdentity(String name, List<Path> files, Supplier<Identity> loader, Purpose purpose, Clock clock) {
    this.name = name;
    this.files = files;
    this.loader = loader;
    this.purpose = Objects.requireNonNull(purpose, "purpose == null");
    this.clock = Objects.requireNonNull(clock, "clock == null");
  }

  /** An identity given in memory (never reloaded). */
  public static ReloadableIdentity fixed(Identity identity, Purpose purpose, Clock clock) {
    Objects.requireNonNull(identity, "identity == null");
    return new ReloadableIdentity(unitName(purpose), List.of(), () -> identity, purpose, clock);
  }

  /** A PEM chain (leaf first) and key; {@code password} is null for an unencrypted key. */
  public static ReloadableIdentity pem(Path chain, Path key, char[] password, Purpose purpose, Clock clock) {
    char[] copy = password == null ? null : password.clone();
    return new ReloadableIdentity(unitName(purpose) + " " + chain, List.of(chain, key),
        () -> Identity.loadPem(chain, key, copy), purpose, clock);
  }

  /** A PKCS#12 key entry ({@code alias} null: the only one). */
  public static ReloadableIdentity pkcs12(Path file, char[] password, String alias, Purpose purpose, Clock clock) {
    char[] copy = password == null ? null : password.clone();
    return new ReloadableIdentity(unitName(purpose) + " " + file, List.of(file),
        () -> Identity.loadPkcs12(file, copy, alias), purpose, clock);
  }

  /** The unit to load and poll with a {@link MaterialReloader}. */
  public MaterialUnit<Identity> unit() {
    Supplier<Identity> checked = () -> usable(loader.get());
    return files.isEmpty()
        ? MaterialUnit.fixed(name, checked.get(), this::apply, ReloadableIdentity::describe)
        : MaterialUnit.of(name, files, checked, this::apply, ReloadableIdentity::describe);
  }

  /** The key manager presenting the identity in service; available once the unit has been loaded. */
  public ReloadingKeyManager keyManager() {
    if (keyManager == null) {
      throw new IllegalStateException("the identity has not been loaded yet");
    }
    return keyManager;
  }

  public Identity current() {
    return keyManager().identity();
  }

  private synchronized void apply(Identity identity) {
    if (keyManager == null) {
      keyManager = new ReloadingKeyManager(identity);
    } else {
      keyManager.update(identity);
    }
  }

  private Identity usable(Identity identity) {
    Optional<Verdict> problem = OwnCertificate.check(identity.chain(), purpose, clock.instant());
    if (problem.isPresent()) {
      throw new KeyMaterialException((files.isEmpty() ? name : files.get(0).toString()) + ": "
          + problem.get().describe());
    }
    return identity;
  }

  private static String unitName(Purpose purpose) {
    return purpose.name().toLowerCase(Locale.ROOT) + " identity";
  }

  private static String describe(Identity identity) {
    X509Certificate certificate = identity.certificate();
    return "\"" + DistinguishedName.of(certificate.getSubjectX500Principal()).toDisplayString() + "\" (serial "
        + certificate.getSerialNumber().toString(16) + ", valid until " + certificate.getNotAfter().toInstant() + ")";
  }
}
