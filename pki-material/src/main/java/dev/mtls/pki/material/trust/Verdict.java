package dev.mtls.pki.material.trust;

import dev.mtls.pki.material.internal.trust.Refusal;
import dev.mtls.pki.material.internal.trust.Sentences;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The answer to "do we trust this certificate chain, for this purpose, now?": a {@link Reason}, one plain sentence
 * that names the certificate concerned, and, when trusted, the path PKIX validated and how long the answer holds.
 * The sentence is safe to print: every certificate-derived string in it is escaped.
 */
public final class Verdict {
  private final Reason reason;
  private final String sentence;
  private final Purpose purpose;
  private final List<X509Certificate> offered;
  private final int index;
  private final List<X509Certificate> path;
  private final X509Certificate anchor;
  private final Instant validFrom;
  private final Instant validUntil;
  private final long generation;
  private final List<String> notes;
  private final List<StatusCheck> revocation;

  private Verdict(Reason reason, String sentence, Purpose purpose, List<X509Certificate> offered, int index,
      List<X509Certificate> path, X509Certificate anchor, Instant validFrom, Instant validUntil, long generation,
      List<String> notes, List<StatusCheck> revocation) {
    this.reason = Objects.requireNonNull(reason, "reason == null");
    this.sentence = Objects.requireNonNull(sentence, "sentence == null");
    this.purpose = Objects.requireNonNull(purpose, "purpose == null");
    this.offered = List.copyOf(offered);
    this.index = index;
    this.path = List.copyOf(path);
    this.anchor = anchor;
    this.validFrom = validFrom;
    this.validUntil = validUntil;
    this.generation = generation;
    this.notes = List.copyOf(notes);
    this.revocation = List.copyOf(revocation);
  }

  static Verdict trusted(Purpose purpose, List<X509Certificate> offered, List<X509Certificate> path,
      X509Certificate anchor, Instant validFrom, Instant validUntil, long generation, List<String> notes,
      List<StatusCheck> revocation) {
    String sentence = Sentences.leaf(purpose) + " " + Sentences.name(path.get(0)) + " chains to trust anchor "
        + Sentences.name(anchor);
    return new Verdict(Reason.TRUSTED, sentence, purpose, offered, -1, path, anchor, validFrom, validUntil,
        generation, notes, revocation);
  }

  static Verdict refused(Reason reason, String sentence, Purpose purpose, List<X509Certificate> offered, int index,
      long generation) {
    if (reason == Reason.TRUSTED) {
      throw new IllegalArgumentException("a refusal needs a reason other than TRUSTED");
    }
    return new Verdict(reason, sentence, purpose, offered, index, List.of(), null, null, null, generation, List.of(),
        List.of());
  }

  static Verdict refused(Refusal refusal, Purpose purpose, List<X509Certificate> offered, long generation) {
    return refused(refusal.reason(), refusal.sentence(), purpose, offered, refusal.index(), generation);
  }

  /**
   * A refusal decided outside path validation: no certificate at all, no common protocol, a failed handshake.
   * {@code sentence} must already be safe to print.
   */
  public static Verdict refusal(Reason reason, Purpose purpose, String sentence) {
    return refused(reason, sentence, purpose, List.of(), -1, 0);
  }

  /** The verdict on an empty chain. */
  public static Verdict noCertificate(Purpose purpose) {
    return refusal(Reason.NO_CERTIFICATE, purpose, purpose == Purpose.SERVER
        ? "the server sent no certificate" : "the client sent no certificate and this server requires one");
  }

  public boolean isTrusted() {
    return reason == Reason.TRUSTED;
  }

  public Reason reason() {
    return reason;
  }

  /** One sentence, without a final period, naming the certificate concerned; escaped for logs and terminals. */
  public String sentence() {
    return sentence;
  }

  public Purpose purpose() {
    return purpose;
  }

  /** The chain as the peer offered it (leaf first); empty when it offered none. */
  public List<X509Certificate> offered() {
    return offered;
  }

  /** The offered leaf, if any. */
  public Optional<X509Certificate> leaf() {
    return offered.isEmpty() ? Optional.empty() : Optional.of(offered.get(0));
  }

  /** The position in the path of the certificate the refusal is about (0 = leaf), or -1. */
  public int index() {
    return index;
  }

  /** When trusted: the path PKIX validated, leaf first, without the trust anchor. Empty otherwise. */
  public List<X509Certificate> path() {
    return path;
  }

  /** When trusted: the trust anchor the path ends at. */
  public Optional<X509Certificate> anchor() {
    return Optional.ofNullable(anchor);
  }

  /**
   * When trusted: the moment this verdict stops holding by itself, the earliest notAfter of the path and
   * nextUpdate of the CRLs used. Whoever relies on the verdict (an open connection, a cache) must ask again then.
   */
  public Optional<Instant> validUntil() {
    return Optional.ofNullable(validUntil);
  }

  /** When trusted: the moment before which this verdict would not hold (latest notBefore or CRL thisUpdate). */
  public Optional<Instant> validFrom() {
    return Optional.ofNullable(validFrom);
  }

  /** Whether a trusted verdict still holds at {@code instant} by the clock (not by reloads). */
  public boolean holdsAt(Instant instant) {
    return isTrusted() && !instant.isBefore(validFrom) && instant.isBefore(validUntil);
  }

  /** The generation of the {@link Trust} that decided; a reload makes a new generation. */
  public long generation() {
    return generation;
  }

  /** Things the verifier accepted but says, e.g. an issuer without a CRL under the accept setting. */
  public List<String> notes() {
    return notes;
  }

  /**
   * When trusted and revocation was checked: how the status of each certificate of the path was established
   * (index 0 = leaf), e.g. a CRL from a file or an OCSP responder's "good".
   */
  public List<StatusCheck> revocation() {
    return revocation;
  }

  /** "reason words: sentence", for a log line. */
  public String describe() {
    return reason.words() + ": " + sentence;
  }

  @Override
  public String toString() {
    return "Verdict[" + reason.name() + ": " + sentence + "]";
  }
}
