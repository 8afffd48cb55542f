package dev.mtls.pki;

import dev.mtls.pki.material.SubjectAltName;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import javax.security.auth.x500.X500Principal;

/** What a caller asks the CA to issue, key included. The CA adds the extensions its profile dictates. */
public final class CertificateSpec {
  private final Profile profile;
  private final X500Principal subject;
  private final List<SubjectAltName> subjectAltNames;
  private final KeyAlgorithm keyAlgorithm;
  private final Duration validity;
  private final Instant notBefore;

  private CertificateSpec(Builder builder) {
    this.profile = builder.profile;
    this.subject = builder.subject;
    this.subjectAltNames = List.copyOf(builder.subjectAltNames);
    this.keyAlgorithm = builder.keyAlgorithm;
    this.validity = builder.validity == null ? profile.defaultValidity() : builder.validity;
    this.notBefore = builder.notBefore;
  }

  public static Builder server(String distinguishedName) {
    return new Builder(Profile.SERVER, new X500Principal(distinguishedName));
  }

  public static Builder server(X500Principal subject) {
    return new Builder(Profile.SERVER, subject);
  }

  public static Builder client(String distinguishedName) {
    return new Builder(Profile.CLIENT, new X500Principal(distinguishedName));
  }

  public static Builder client(X500Principal subject) {
    return new Builder(Profile.CLIENT, subject);
  }

  public Profile profile() {
    return profile;
  }

  public X500Principal subject() {
    return subject;
  }

  public List<SubjectAltName> subjectAltNames() {
    return subjectAltNames;
  }

  public KeyAlgorithm keyAlgorithm() {
    return keyAlgorithm;
  }

  public Duration validity() {
    return validity;
  }

  /** Null means "now, less the CA's clock-skew allowance". */
  public Instant notBefore() {
    return notBefore;
  }

  public static final class Builder {
    private final Profile profile;
    private final X500Principal subject;
    private final List<SubjectAltName> subjectAltNames = new ArrayList<>();
    private KeyAlgorithm keyAlgorithm = KeyAlgorithm.EC_P256;
    private Duration validity;
    private Instant notBefore;

    private Builder(Profile profile, X500Principal subject) {
      this.profile = profile;
      this.subject = Objects.requireNonNull(subject, "subject == null");
    }

    public Builder addSubjectAltName(SubjectAltName name) {
      subjectAltNames.add(Objects.requireNonNull(name, "name == null"));
      return this;
    }

    /** If unset, EC P-256. */
    public Builder keyAlgorithm(KeyAlgorithm keyAlgorithm) {
      this.keyAlgorithm = Objects.requireNonNull(keyAlgorithm, "keyAlgorithm == null");
      return this;
    }

    /** If unset, the profile's default (90 days); always cut to the issuer's own notAfter. */
    public Builder validity(Duration validity) {
      if (validity.isNegative() || validity.isZero()) {
        throw new IllegalArgumentException("validity must be positive: " + validity);
      }
      this.validity = validity;
      return this;
    }

    /** If unset, now (less five minutes for clock skew). Set it to make expired or not-yet-valid test material. */
    public Builder notBefore(Instant notBefore) {
      this.notBefore = Objects.requireNonNull(notBefore, "notBefore == null");
      return this;
    }

    public CertificateSpec build() {
      return new CertificateSpec(this);
    }
  }
}
