package dev.mtls.pki;

import dev.mtls.pki.material.AtomicFiles;
import dev.mtls.pki.material.AtomicFiles.Existing;
import dev.mtls.pki.material.AtomicFiles.Visibility;
import dev.mtls.pki.material.KeyEncryption;
import dev.mtls.pki.material.Passwords;
import dev.mtls.pki.material.Pem;
import dev.mtls.pki.material.SubjectAltName;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import javax.security.auth.x500.X500Principal;

/**
 * The learning set of the demo, made in one go: a root and an intermediate CA (in {@code DIR/ca}); a server
 * certificate for localhost, 127.0.0.1 and ::1; clients alice (OU=admins), bob (OU=readers) and carol
 * (OU=contractors, whom no role rule maps); a client with alice's name from a foreign CA; an expired client; a
 * revoked client and a CRL. Each as {@link CredentialFiles}: key, certificate, chain and PKCS#12. One password
 * protects the CA keys and every .p12; it is written to {@code DIR/password.txt} (0600). {@code pki demo} and the
 * demo application both make it here.
 *
 * <pre>
 *   DemoPki demo = DemoPki.builder(Path.of("target/demo")).publishUrl("http://127.0.0.1:8081").create();
 *   Path alice = demo.credentials("alice").chain();   // target/demo/alice-chain.pem
 * </pre>
 */
public final class DemoPki {
  /** The O= of every subject of the set. */
  public static final String ORGANIZATION = "mtls-reference";

  /**
   * One credential of the set.
   *
   * @param name        the base name of its files ({@code alice}: alice.key, alice.pem, alice-chain.pem, alice.p12)
   * @param certificate its certificate
   * @param shows       what it shows a learner, e.g. "client with role admin"
   */
  public record Member(String name, X509Certificate certificate, String shows) {
    public Member {
      Objects.requireNonNull(name, "name == null");
      Objects.requireNonNull(certificate, "certificate == null");
      Objects.requireNonNull(shows, "shows == null");
    }
  }

  private final Path directory;
  private final String publishUrl;
  private final List<Member> members;

  private DemoPki(Path directory, String publishUrl, List<Member> members) {
    this.directory = directory;
    this.publishUrl = publishUrl;
    this.members = List.copyOf(members);
  }

  /** A set to be made in {@code directory}. */
  public static Builder builder(Path directory) {
    return new Builder(directory);
  }

  public Path directory() {
    return directory;
  }

  /** The file holding the password of the CA keys and of every .p12 (one line). */
  public Path passwordFile() {
    return directory.resolve("password.txt");
  }

  /** The CA directory: {@link CaDirectory#open} it to issue, revoke or publish. */
  public Path caDirectory() {
    return directory.resolve("ca");
  }

  /** The trust anchor, PEM: what the server trusts for clients and the clients trust for the server. */
  public Path rootCertificate() {
    return caDirectory().resolve("root.pem");
  }

  /** The issuing CA's certificate, PEM. */
  public Path intermediateCertificate() {
    return caDirectory().resolve("intermediate.pem");
  }

  /** The intermediate and the root, PEM. */
  public Path caChain() {
    return caDirectory().resolve("ca-chain.pem");
  }

  /** The CRLs of both CAs, PEM (the issuing CA's lists the revoked client). */
  public Path crl() {
    return caDirectory().resolve("crl.pem");
  }

  /** Where the revocation status is published, without a final slash; empty when the certificates name no URL. */
  public Optional<String> publishUrl() {
    return Optional.ofNullable(publishUrl);
  }

  /** server, alice, bob, carol, expired, revoked, foreign: in this order. */
  public List<Member> members() {
    return members;
  }

  /** The member named {@code name}, e.g. {@code bob}. */
  public Member member(String name) {
    return members.stream().filter(member -> member.name().equals(name)).findFirst()
        .orElseThrow(() -> new IllegalArgumentException("no member '" + name + "' in the demo set"));
  }

  /** The files of the member named {@code name}. */
  public CredentialFiles credentials(String name) {
    return new CredentialFiles(directory, member(name).name(), Existing.REFUSE);
  }

  /**
   * The members as a table: a NAME, SUBJECT, VALID (how long the certificate is valid in all, such as 24h or 90d),
   * WHAT IT SHOWS heading, then one line each.
   */
  public String table() {
    StringBuilder table = new StringBuilder(row("NAME", "SUBJECT", "VALID", "WHAT IT SHOWS"));
    for (Member member : members) {
      X509Certificate certificate = member.certificate();
      Duration valid = Duration.between(certificate.getNotBefore().toInstant(), certificate.getNotAfter().toInstant());
      table.append(row(member.name(), certificate.getSubjectX500Principal().getName(), lifetime(valid),
          member.shows()));
    }
    return table.toString();
  }

  private static String row(String name, String subject, String valid, String shows) {
    return String.format("%-10s %-48s %-6s %s%n", name, subject, valid, shows);
  }

  /** {@code 90d}, {@code 24h}, {@code 10m} or {@code 30s}: the largest unit that says it exactly (a day: 24h). */
  private static String lifetime(Duration valid) {
    if (valid.toDays() > 1 && valid.equals(Duration.ofDays(valid.toDays()))) {
      return valid.toDays() + "d";
    }
    if (valid.toHours() > 0 && valid.equals(Duration.ofHours(valid.toHours()))) {
      return valid.toHours() + "h";
    }
    if (valid.toMinutes() > 0 && valid.equals(Duration.ofMinutes(valid.toMinutes()))) {
      return valid.toMinutes() + "m";
    }
    return valid.toSeconds() + "s";
  }

  /** What the set is made with; every setting has a default. */
  public static final class Builder {
    private final Path directory;
    private char[] password;
    private boolean replaceExisting;
    private String publishUrl;
    private KeyEncryption keyEncryption = KeyEncryption.STANDARD;
    private Clock clock = Clock.systemUTC();
    private Duration lifetime;

    private Builder(Path directory) {
      this.directory = Objects.requireNonNull(directory, "directory == null");
    }

    /** The password of the CA keys and every .p12 (copied). If unset: a random one, 24 URL-safe characters. */
    public Builder password(char[] password) {
      this.password = Objects.requireNonNull(password, "password == null").clone();
      return this;
    }

    /** Whether files of an earlier set may be replaced. If unset: false, an existing file is never overwritten. */
    public Builder replaceExisting(boolean replaceExisting) {
      this.replaceExisting = replaceExisting;
      return this;
    }

    /**
     * Where the revocation status will be published, e.g. {@code http://127.0.0.1:8081}, as {@link PublicationServer}
     * serves it: the leaves name {@code URL/ocsp} and {@code URL/crl/issuing.crl}, the intermediate
     * {@code URL/crl/root.crl}. If unset: the certificates name no URL.
     */
    public Builder publishUrl(String url) {
      this.publishUrl = Objects.requireNonNull(url, "url == null").replaceAll("/+$", "");
      return this;
    }

    /** What encrypting the CA keys and the .p12 files costs. If unset: {@link KeyEncryption#STANDARD}. */
    public Builder keyEncryption(KeyEncryption keyEncryption) {
      this.keyEncryption = Objects.requireNonNull(keyEncryption, "keyEncryption == null");
      return this;
    }

    /** The clock the certificates' validity starts from. If unset: the system clock. */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock == null");
      return this;
    }

    /**
     * How long the certificates of the server, alice, bob, carol and the revoked client are valid, such as 24 hours
     * for short-lived ones that renew themselves over EST. If unset: the profiles' default (90 days).
     */
    public Builder lifetime(Duration lifetime) {
      Objects.requireNonNull(lifetime, "lifetime == null");
      if (lifetime.isNegative() || lifetime.isZero()) {
        throw new IllegalArgumentException("lifetime must be positive: " + lifetime);
      }
      this.lifetime = lifetime;
      return this;
    }

    /** Writes the whole set; fails on an existing file unless {@link #replaceExisting}. */
    public DemoPki create() {
      char[] secret = password != null ? password.clone() : randomPassword();
      try {
        return new Writer(this, secret).write();
      } finally {
        Passwords.clear(secret);
      }
    }
  }

  /** Makes the set for one {@link Builder#create()}. */
  private static final class Writer {
    private final Builder settings;
    private final char[] password;
    private final Existing existing;
    private final List<Member> members = new ArrayList<>();

    Writer(Builder settings, char[] password) {
      this.settings = settings;
      this.password = password;
      this.existing = settings.replaceExisting ? Existing.REPLACE : Existing.REFUSE;
    }

    DemoPki write() {
      AtomicFiles.writeString(settings.directory.resolve("password.txt"), new String(password) + "\n",
          Visibility.PRIVATE, existing);
      CaDirectory.InitOptions options = CaDirectory.InitOptions.defaults(ORGANIZATION)
          .withKeyEncryption(settings.keyEncryption);
      String base = settings.publishUrl;
      if (base != null) {
        String crls = base + PublicationServer.CRL_PATH;
        options = options.withUrls(crls + "/issuing.crl", crls + "/root.crl", base + PublicationServer.OCSP_PATH);
      }
      try (CaDirectory ca = CaDirectory.init(settings.directory.resolve("ca"), password, options,
          settings.replaceExisting, settings.clock)) {
        issue(ca);
      }
      foreign();
      return new DemoPki(settings.directory, settings.publishUrl, members);
    }

    private void issue(CaDirectory ca) {
      Instant now = settings.clock.instant();
      write(ca.issue(valid(CertificateSpec.server("CN=localhost,O=" + ORGANIZATION)
              .addSubjectAltName(SubjectAltName.dns("localhost"))
              .addSubjectAltName(SubjectAltName.ip("127.0.0.1"))
              .addSubjectAltName(SubjectAltName.ip("::1")))),
          "server", "the server: DNS:localhost, IP:127.0.0.1, IP:::1");
      write(ca.issue(valid(client("alice", "admins"))), "alice", "client with role admin");
      write(ca.issue(valid(client("bob", "readers"))), "bob", "client with role reader");
      write(ca.issue(valid(client("carol", "contractors"))), "carol", "valid client that no role rule maps");
      write(ca.issue(client("expired", "admins").notBefore(now.minus(Duration.ofDays(30)))
          .validity(Duration.ofDays(1)).build()), "expired", "client whose certificate expired 29 days ago");
      IssuedCertificate revoked = ca.issue(valid(client("revoked", "admins")));
      ca.revoke(revoked.certificate().getSerialNumber(), RevocationReason.KEY_COMPROMISE);
      ca.generateCrl(Duration.ofDays(30));
      String where = settings.publishUrl == null ? "listed in ca/crl.pem" : "ca/crl.pem; pki serve publishes it";
      write(revoked, "revoked", "client revoked for keyCompromise (" + where + ")");
    }

    /** {@code spec} valid for the set's lifetime, or the profile's default. */
    private CertificateSpec valid(CertificateSpec.Builder spec) {
      return (settings.lifetime == null ? spec : spec.validity(settings.lifetime)).build();
    }

    /** Same subject as alice, but from a CA the server does not trust: the name proves nothing by itself. */
    private void foreign() {
      CertificateAuthority foreignRoot = CertificateAuthority.createRoot(
          new X500Principal("CN=Foreign Root CA,O=elsewhere"), KeyAlgorithm.EC_P256,
          CertificateAuthority.ROOT_VALIDITY, settings.clock);
      AtomicFiles.writeString(settings.directory.resolve("foreign-root.pem"), Pem.encode(foreignRoot.certificate()),
          Visibility.PUBLIC, existing);
      write(foreignRoot.issue(client("alice", "admins").build()), "foreign", "alice's name, signed by a foreign CA");
    }

    private static CertificateSpec.Builder client(String name, String unit) {
      return CertificateSpec.client("CN=" + name + ",OU=" + unit + ",O=" + ORGANIZATION);
    }

    private void write(IssuedCertificate issued, String name, String shows) {
      new CredentialFiles(settings.directory, name, existing).write(issued, password, false, Pkcs12.Profile.MODERN,
          settings.keyEncryption);
      members.add(new Member(name, issued.certificate(), shows));
    }
  }

  private static char[] randomPassword() {
    byte[] bytes = new byte[18];
    new SecureRandom().nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes).toCharArray();
  }
}
