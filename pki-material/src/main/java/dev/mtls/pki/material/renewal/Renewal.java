package dev.mtls.pki.material.renewal;

import dev.mtls.pki.material.internal.renewal.EstEnroller;
import dev.mtls.pki.material.internal.renewal.PairFiles;
import dev.mtls.pki.material.internal.renewal.RenewalEngine;
import dev.mtls.pki.material.trust.Purpose;
import dev.mtls.pki.material.trust.Trust;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Renews an identity kept in PEM files by itself, over EST (RFC 7030 {@code simplereenroll}), before it expires:
 * at two thirds of the certificate's lifetime (up to a twentieth earlier, at random), with a new key of the same
 * kind each time and the current subject and SANs, authenticated by the current certificate over mutual TLS. The
 * new key (0600) and chain replace the files where they are, as a pair, and the reload you give puts them in
 * service. When the CA is down or refuses, nothing is written, the attempt is retried with back-off (1 s doubling up
 * to 5 minutes or a twelfth of the lifetime) and the current certificate serves until it expires; a WARN says
 * when less than a sixth of its lifetime is left. Every attempt is a {@link RenewalEvent}. One daemon thread,
 * stopped by {@link #close()}.
 *
 * <pre>{@code
 * Renewal renewal = Renewal.from(URI.create("https://ca.example:8444"))
 *     .identityPem(Path.of("tls.crt"), Path.of("tls.key"), null)
 *     .trust(() -> Trust.of(TrustAnchors.loadPem(Path.of("ca.crt"))))
 *     .purpose(Purpose.SERVER)
 *     .afterWrite(server::reload)
 *     .build();
 * renewal.start();
 * }</pre>
 */
public final class Renewal implements AutoCloseable {
  /** If unset: the longest one exchange with the EST server may take, connection included. */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);

  private final URI source;
  private final RenewalEngine engine;

  private Renewal(URI source, RenewalEngine engine) {
    this.source = source;
    this.engine = engine;
  }

  /**
   * Renewal from the EST server at {@code est}: {@code https://host[:port]}, optionally with the path
   * {@code /.well-known/est} or {@code /.well-known/est/LABEL}; anything else is refused here.
   */
  public static Builder from(URI est) {
    return new Builder(check(est));
  }

  /** Returns {@code est} if it is an EST base URL as {@link #from} takes; else throws IllegalArgumentException. */
  public static URI check(URI est) {
    return EstEnroller.check(Objects.requireNonNull(est, "est == null"));
  }

  /** Starts the renewal thread. */
  public Renewal start() {
    engine.start();
    return this;
  }

  public URI source() {
    return source;
  }

  /** When the certificate in the files expires, as last read (for a gauge); empty before the thread's first look. */
  public Optional<Instant> expiresAt() {
    return Optional.ofNullable(engine.expiresAt());
  }

  /** When the next attempt is due, as last decided; empty before the thread's first look. */
  public Optional<Instant> nextAttempt() {
    return Optional.ofNullable(engine.nextAttempt());
  }

  /** Whether the renewal thread runs (started and not closed). */
  public boolean isRunning() {
    return engine.isRunning();
  }

  /** Stops the thread; an exchange in progress ends within its timeout and writes nothing after. */
  @Override
  public void close() {
    engine.close();
  }

  /** Configures a {@link Renewal}; the identity files, the trust and the purpose are required. */
  public static final class Builder {
    private final URI source;
    private Path chain;
    private Path key;
    private char[] password;
    private Supplier<Trust> trust;
    private Purpose purpose;
    private Clock clock = Clock.systemUTC();
    private RenewalListener listener = event -> { };
    private Runnable afterWrite = () -> { };
    private Duration timeout = DEFAULT_TIMEOUT;

    private Builder(URI source) {
      this.source = source;
    }

    /** The PEM chain (leaf first) and key to renew; {@code password} null for an unencrypted key. */
    public Builder identityPem(Path chain, Path key, char[] password) {
      this.chain = Objects.requireNonNull(chain, "chain == null");
      this.key = Objects.requireNonNull(key, "key == null");
      this.password = password == null ? null : password.clone();
      return this;
    }

    /** Who may serve as the EST server: the same trust the side judges its peers by, usually its CA. */
    public Builder trust(Supplier<Trust> trust) {
      this.trust = Objects.requireNonNull(trust, "trust == null");
      return this;
    }

    /** What the certificate is for; the CA's answer must serve it. */
    public Builder purpose(Purpose purpose) {
      this.purpose = Objects.requireNonNull(purpose, "purpose == null");
      return this;
    }

    /** If unset: the system clock. */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock == null");
      return this;
    }

    /** If unset: nobody is told (the log still is). */
    public Builder listener(RenewalListener listener) {
      this.listener = Objects.requireNonNull(listener, "listener == null");
      return this;
    }

    /** Puts the files in service once written, e.g. the server's or client's reload. If unset: nothing. */
    public Builder afterWrite(Runnable reload) {
      this.afterWrite = Objects.requireNonNull(reload, "reload == null");
      return this;
    }

    /** If unset: {@link #DEFAULT_TIMEOUT}. */
    public Builder timeout(Duration timeout) {
      if (timeout.isNegative() || timeout.isZero()) {
        throw new IllegalArgumentException("timeout must be positive: " + timeout);
      }
      this.timeout = timeout;
      return this;
    }

    /**
     * The renewal, not started. Completes first a replacement of the files that a crash interrupted, so that the
     * files are a matching pair before anyone loads them.
     */
    public Renewal build() {
      if (chain == null || trust == null || purpose == null) {
        throw new IllegalStateException("renewal needs identityPem(), trust() and purpose()");
      }
      PairFiles files = new PairFiles(chain, key, password);
      files.completeInterrupted();
      Supplier<Trust> judge = trust;
      RenewalEngine engine = new RenewalEngine(new EstEnroller(source, judge, clock, timeout),
          new RenewalEngine.Parts(source.toString(), files, purpose, () -> judge.get().anchors().certificates(),
              clock, listener, afterWrite, RenewalEngine.TICK));
      return new Renewal(source, engine);
    }
  }
}
