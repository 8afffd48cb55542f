package dev.mtls.pki;

import dev.mtls.pki.internal.store.CaFiles;
import dev.mtls.pki.internal.store.IndexFile;
import dev.mtls.pki.material.AtomicFiles.Existing;
import dev.mtls.pki.material.SubjectAltName;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import javax.security.auth.x500.X500Principal;

/**
 * The one-time enrolment tokens of a CA directory, for the EST service's {@code simpleenroll}
 * ({@code enrolment-tokens.tsv}): per token its id, whether and when it was
 * used, its expiry, the SHA-256 of its secret (never the secret), its profile, subject and names. Written atomically,
 * by callers that hold the CA's lock; a token is checked and consumed inside the same locked issuance step, so that
 * two requests cannot both use it.
 */
public final class EnrolmentTokens {
  /**
   * Makes a token for one certificate of {@code profile} for exactly {@code subject} and {@code names}, usable until
   * {@code validFor} from now, and writes its hash to the CA directory under the CA's lock. The returned token holds
   * the only copy of the secret: show it once.
   */
  public static EnrolmentToken create(CaDirectory ca, Profile profile, X500Principal subject,
      List<SubjectAltName> names, Duration validFor, Clock clock) {
    if (validFor.isNegative() || validFor.isZero()) {
      throw new IllegalArgumentException("a token must be valid for a positive time, got " + validFor);
    }
    ca.issuing();
    LeafRules.checkWellFormed(names);
    EnrolmentTokens tokens = in(ca.directory());
    Instant expires = clock.instant().plus(validFor);
    return ca.issuance().locked(() -> tokens.create(profile, subject, names, expires));
  }

  private static final String HEADER = "# id\tstatus\texpires\tused-at\tsecret-sha256\tprofile\tsubject\tnames";
  private static final int FIELDS = 8;
  private static final SecureRandom RANDOM = new SecureRandom();

  /** One line of the file; {@code usedAt} is null while the token is unused. */
  record Entry(String id, Instant expires, Instant usedAt, byte[] secretHash, Profile profile, X500Principal subject,
      List<SubjectAltName> names) {
    Entry used(Instant at) {
      return new Entry(id, expires, at, secretHash, profile, subject, names);
    }
  }

  private final CaFiles files;

  /** The tokens of the CA directory at {@code directory}. */
  static EnrolmentTokens in(Path directory) {
    return new EnrolmentTokens(new CaFiles(directory));
  }

  private EnrolmentTokens(CaFiles files) {
    this.files = files;
  }

  private EnrolmentToken create(Profile profile, X500Principal subject, List<SubjectAltName> names, Instant expires) {
    byte[] idBytes = new byte[8];
    RANDOM.nextBytes(idBytes);
    byte[] secretBytes = new byte[32];
    RANDOM.nextBytes(secretBytes);
    String id = HexFormat.of().formatHex(idBytes);
    String secret = Base64.getUrlEncoder().withoutPadding().encodeToString(secretBytes);
    List<Entry> entries = read();
    entries.add(new Entry(id, expires, null, hash(secret.toCharArray()), profile, subject, names));
    write(entries);
    return new EnrolmentToken(id, secret, profile, subject, names, expires);
  }

  /**
   * The unused, unexpired token {@code id} whose secret is {@code secret}, or an {@link EstRefusedException}: an
   * unknown id and a wrong secret get the same answer, so that ids cannot be probed; only the holder of the secret
   * learns that the token was used or has expired.
   */
  Entry valid(String id, char[] secret, Instant now) {
    Optional<Entry> found = read().stream().filter(e -> e.id().equals(id)).findFirst();
    byte[] offered = hash(secret);
    if (found.isEmpty() || !MessageDigest.isEqual(found.get().secretHash(), offered)) {
      throw new EstRefusedException(EstRefusal.UNKNOWN_TOKEN, "no enrolment token with this id and secret");
    }
    Entry entry = found.get();
    if (entry.usedAt() != null) {
      throw new EstRefusedException(EstRefusal.USED_TOKEN, "enrolment token " + id + " was already used, at "
          + entry.usedAt() + ": a token enrols one certificate");
    }
    if (!now.isBefore(entry.expires())) {
      throw new EstRefusedException(EstRefusal.EXPIRED_TOKEN, "enrolment token " + id + " expired at "
          + entry.expires());
    }
    return entry;
  }

  /** Marks token {@code id} used at {@code at}; the caller holds the CA's lock and has just checked it. */
  void consume(String id, Instant at) {
    List<Entry> entries = read();
    entries.replaceAll(e -> e.id().equals(id) ? e.used(at) : e);
    write(entries);
  }

  /** Whether {@code names} are the token's, in any order. */
  static boolean sameNames(List<SubjectAltName> names, List<SubjectAltName> expected) {
    return names.size() == expected.size() && new HashSet<>(names).equals(new HashSet<>(expected));
  }

  private List<Entry> read() {
    if (!files.exists(CaFiles.ENROLMENT_TOKENS)) {
      return new ArrayList<>();
    }
    return new ArrayList<>(IndexFile.read(file(), FIELDS, EnrolmentTokens::parse));
  }

  private void write(List<Entry> entries) {
    IndexFile.write(file(), HEADER, entries, EnrolmentTokens::fields, Existing.REPLACE);
  }

  private Path file() {
    return files.file(CaFiles.ENROLMENT_TOKENS);
  }

  private static Entry parse(List<String> fields) {
    boolean used = fields.get(1).equals("used");
    if (!used && !fields.get(1).equals("unused")) {
      throw new IllegalArgumentException("status must be used or unused, found '" + fields.get(1) + "'");
    }
    List<SubjectAltName> names = fields.get(7).isEmpty() ? List.of()
        : Arrays.stream(fields.get(7).split(" ")).map(SubjectAltName::parse).toList();
    return new Entry(fields.get(0), Instant.parse(fields.get(2)), used ? Instant.parse(fields.get(3)) : null,
        Base64.getUrlDecoder().decode(fields.get(4)), Profile.fromCliName(fields.get(5)),
        new X500Principal(fields.get(6)), names);
  }

  private static List<String> fields(Entry entry) {
    return List.of(entry.id(), entry.usedAt() == null ? "unused" : "used", entry.expires().toString(),
        entry.usedAt() == null ? "" : entry.usedAt().toString(),
        Base64.getUrlEncoder().withoutPadding().encodeToString(entry.secretHash()),
        entry.profile().name().toLowerCase(Locale.ROOT), entry.subject().getName(X500Principal.RFC2253),
        String.join(" ", entry.names().stream().map(SubjectAltName::toString).toList()));
  }

  private static byte[] hash(char[] secret) {
    try {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      byte[] bytes = new String(secret).getBytes(StandardCharsets.UTF_8);
      return digest.digest(bytes);
    } catch (NoSuchAlgorithmException e) {
      throw new AssertionError("every JDK has SHA-256", e);
    }
  }
}
