package dev.mtls.pki.cli;

import dev.mtls.pki.CaDirectory;
import dev.mtls.pki.OcspResponder;
import dev.mtls.pki.PublicationServer;
import java.io.PrintWriter;
import java.time.Clock;
import java.time.Duration;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;
import picocli.CommandLine.Mixin;

/**
 * What {@code ocsp} and {@code serve} share: the CA whose revocation status they publish, where they listen, and how
 * they run: the CA opened, its OCSP responder made, then served until the JVM is asked to stop (Ctrl-C) or the
 * command's thread is interrupted. A subclass, not a holder, of {@link CaOptions}: picocli gives a mixin nested in a
 * mixin the outer mixin as its command, and the CA needs the real one for its key cost.
 */
final class PublishingOptions extends CaOptions {
  @Mixin
  ListenOptions listen;

  /** How often a command's upkeep runs while it serves. */
  static final Duration UPKEEP_INTERVAL = Duration.ofSeconds(10);

  /**
   * What a command publishes: what it mounts on the server, what it says once the server listens, what it does
   * every {@link #UPKEEP_INTERVAL} while it serves ({@code upkeep}, null for nothing), and what else serves beside it
   * until it stops ({@code alongside}, null for nothing).
   */
  record Publication(UnaryOperator<PublicationServer.Builder> mounts, Consumer<PublicationServer> announce,
      Runnable upkeep, AutoCloseable alongside) {}

  /**
   * Opens the CA, makes its OCSP responder (answers cacheable for {@code ocspValidity}), and serves the
   * {@link Publication} {@code publish} makes of them until stopped; {@code out} is flushed once it is announced.
   */
  int untilStopped(Duration ocspValidity, PrintWriter out,
      BiFunction<CaDirectory, OcspResponder, Publication> publish) {
    try (CaDirectory directory = open()) {
      OcspResponder responder = OcspResponder.forCa(directory, ocspValidity, Clock.systemUTC());
      Publication publication = publish.apply(directory, responder);
      try (AutoCloseable alongside = publication.alongside();
          PublicationServer server = publication.mounts().apply(listen.server()).start();
          Upkeep upkeep = Upkeep.every(UPKEEP_INTERVAL, publication.upkeep(), command.commandLine().getErr())) {
        publication.announce().accept(server);
        out.flush();
        UntilStopped.await();
      } catch (RuntimeException e) {
        throw e;
      } catch (Exception e) {
        throw new IllegalStateException("cannot stop: " + e.getMessage(), e);
      }
    }
    return 0;
  }

  /** Which delegated signer signs {@code responder}'s answers, and until when. */
  static String signer(OcspResponder responder) {
    CaDirectory.OcspSigner signer = responder.signer();
    return "signer serial " + signer.certificate().getSerialNumber().toString(16) + ", valid until "
        + signer.certificate().getNotAfter().toInstant();
  }
}
