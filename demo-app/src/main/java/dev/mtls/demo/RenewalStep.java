package dev.mtls.demo;

import dev.mtls.client.ClientListener;
import dev.mtls.client.MtlsClient;
import dev.mtls.client.MtlsClientBuilder;
import dev.mtls.client.MtlsException;
import dev.mtls.pki.CertificateSpec;
import dev.mtls.pki.CredentialFiles;
import dev.mtls.pki.DemoPki;
import dev.mtls.pki.IssuedCertificate;
import dev.mtls.pki.material.AtomicFiles.Existing;
import dev.mtls.pki.material.KeyEncryption;
import dev.mtls.pki.material.TrustAnchors;
import dev.mtls.pki.material.renewal.RenewalEvent;
import dev.mtls.server.ServedRequest;
import java.math.BigInteger;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A client whose certificate lives {@link #LIFETIME} renewing itself once over EST while the demo runs: issued as
 * {@code pki issue --lifetime 30s} does, used through the client library with {@code renewFrom}, and shown to the
 * server before and after, which sees the old serial and then the new one.
 */
final class RenewalStep {
  static final String NAME = "dave";
  static final String SUBJECT = "CN=dave,OU=readers,O=" + DemoPki.ORGANIZATION;
  /** Short enough to renew while the demo runs (at two thirds: about 20 s), long enough to be used meanwhile. */
  static final Duration LIFETIME = Duration.ofSeconds(30);
  /** How long the server may take to tell of a call the client already saw end. */
  private static final Duration SERVER_TELLS_WITHIN = Duration.ofSeconds(5);

  /**
   * What the step saw.
   *
   * @param issued       the serial of the certificate issued for {@link #LIFETIME}
   * @param servedBefore the serial the server saw on the call before the renewal; null when it told of none
   * @param renewed      the renewal; null when none came before the certificate expired
   * @param servedAfter  the serial the server saw on the call after it; null when there was none
   * @param failures     the attempts that failed on the way, each retried
   */
  record Result(BigInteger issued, BigInteger servedBefore, RenewalEvent.Renewed renewed, BigInteger servedAfter,
      List<RenewalEvent.Failed> failures) {}

  private final Project project;
  private final DemoPki pki;
  private final Publication publication;
  private final DemoServer server;
  private final ServerEvents events;

  RenewalStep(Project project, DemoPki pki, Publication publication, DemoServer server, ServerEvents events) {
    this.project = project;
    this.pki = pki;
    this.publication = publication;
    this.server = server;
    this.events = events;
  }

  /** Issues dave's certificate, calls as dave, waits for the renewal until the certificate expires, calls again. */
  Result run(Console console, KeyEncryption cost) {
    CredentialFiles files = new CredentialFiles(pki.directory(), NAME, Existing.REPLACE);
    console.command(Command.java(project.pkiJar()).add("issue", "client", "--dir").add(pki.caDirectory())
        .add("--password-file", pki.passwordFile()).add("--out", pki.directory()).add("--name", NAME, "--force")
        .add("--subject", SUBJECT).add("--lifetime", LIFETIME.toSeconds() + "s"));
    IssuedCertificate issued = publication.issue(CertificateSpec.client(SUBJECT).validity(LIFETIME).build(), files,
        cost);
    X509Certificate first = issued.certificate();
    Instant notBefore = first.getNotBefore().toInstant();
    Instant notAfter = first.getNotAfter().toInstant();
    console.line("dave's certificate: serial " + hex(first.getSerialNumber()) + ", valid for "
        + LIFETIME.toSeconds() + " s, until " + time(notAfter));
    console.line("The client renews it from " + publication.est() + " by itself, as the server does its own "
        + "(renew-from):");
    console.line("  MtlsClient.builder().identityPem(dave-chain.pem, dave.key, null).renewFrom(URI.create(\""
        + publication.est() + "\"))");

    BlockingQueue<RenewalEvent> renewals = new LinkedBlockingQueue<>();
    MtlsClientBuilder builder = MtlsClient.builder().trust(TrustAnchors.loadPem(pki.rootCertificate()))
        .identityPem(files.chain(), files.key(), null).renewFrom(publication.est()).userAgent("mtls-demo")
        .listener(new ClientListener() {
          @Override
          public void renewal(RenewalEvent event) {
            renewals.add(event);
          }
        });
    try (MtlsClient client = builder.build()) {
      BigInteger before = call(client, console);
      Instant due = notBefore.plus(LIFETIME.multipliedBy(2).dividedBy(3));
      console.line("Renewal is due at two thirds of its lifetime, by " + time(due) + " (a little earlier at random);"
          + " waiting for it, at most until the certificate expires");
      List<RenewalEvent.Failed> failures = new ArrayList<>();
      RenewalEvent.Renewed renewed = awaitRenewal(renewals, notAfter, failures, console);
      if (renewed == null) {
        console.line("No renewal before the certificate expired; see the log for why.");
        return new Result(first.getSerialNumber(), before, null, null, failures);
      }
      console.line("Renewed at " + time(renewed.at()) + ": serial " + hex(renewed.oldSerial()) + " -> "
          + hex(renewed.newSerial()) + ", a new key, valid until " + time(renewed.notAfter()) + " (pki serve "
          + "--est-lifetime 24h); next renewal due at " + time(renewed.nextDue()));
      BigInteger after = call(client, console);
      return new Result(first.getSerialNumber(), before, renewed, after, failures);
    }
  }

  /** The renewal, or null when none comes by {@code deadline}; failed attempts (retried) are said and kept. */
  private static RenewalEvent.Renewed awaitRenewal(BlockingQueue<RenewalEvent> renewals, Instant deadline,
      List<RenewalEvent.Failed> failures, Console console) {
    try {
      for (long left = millisUntil(deadline); left > 0; left = millisUntil(deadline)) {
        RenewalEvent event = renewals.poll(left, TimeUnit.MILLISECONDS);
        if (event instanceof RenewalEvent.Renewed renewed) {
          return renewed;
        }
        if (event instanceof RenewalEvent.Failed failed) {
          failures.add(failed);
          console.line("attempt failed (" + failed.reason() + "): " + failed.message() + "; retried at "
              + time(failed.nextRetry()));
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return null;
  }

  /** Calls {@code GET /whoami} as dave; the serial the server saw, or null when it told of none. */
  private BigInteger call(MtlsClient client, Console console) {
    events.forget();
    int status;
    try {
      status = client.get(server.url("/whoami")).status();
    } catch (MtlsException e) {
      console.line("GET /whoami as dave: refused: " + e.getDiagnosis().sentence());
      return null;
    }
    BigInteger seen = events.next(ServedRequest.class, SERVER_TELLS_WITHIN)
        .filter(request -> request.caller() != null).map(request -> request.caller().identity().serialNumber())
        .orElse(null);
    console.line("GET /whoami as dave: " + status + ", the server saw the client certificate "
        + (seen == null ? "(it did not say)" : "serial " + hex(seen)));
    return seen;
  }

  private static long millisUntil(Instant deadline) {
    return Duration.between(Instant.now(), deadline).toMillis();
  }

  private static String hex(BigInteger serial) {
    return serial.toString(16);
  }

  private static Instant time(Instant instant) {
    return instant.truncatedTo(ChronoUnit.SECONDS);
  }
}
