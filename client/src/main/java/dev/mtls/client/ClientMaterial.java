package dev.mtls.client;

import dev.mtls.pki.material.Identity;
import dev.mtls.pki.material.reload.MaterialEvent;
import dev.mtls.pki.material.reload.MaterialReloader;
import dev.mtls.pki.material.reload.MaterialUnit;
import dev.mtls.pki.material.reload.ReloadableIdentity;
import dev.mtls.pki.material.reload.ReloadableTrust;
import dev.mtls.pki.material.trust.PeerTrustManager;
import dev.mtls.pki.material.trust.TlsPolicy;
import dev.mtls.pki.material.trust.Trust;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Supplier;
import javax.net.ssl.SSLContext;

/**
 * The client's identity and trust, reloaded from their files, as a sequence of {@link Generation}s. Every applied
 * change starts a new generation with an SSLContext of its own, so that no TLS session made under the old material
 * is resumed under the new (a resumed session would present the old certificate again, without a new handshake).
 */
final class ClientMaterial implements AutoCloseable {
  /**
   * The material in service at one time.
   *
   * @param number   1 for the material loaded at start, then one more for each applied change
   * @param context  the SSLContext every new connection of this generation handshakes with
   * @param identity our identity; null when we have none or the caller gave its own SSLContext
   * @param trust    whom we trust; null when the caller gave its own SSLContext
   */
  record Generation(long number, SSLContext context, Identity identity, Trust trust) {}

  private final Identity fixedIdentity;
  private final ReloadableIdentity identity;
  private final Supplier<Trust> trust;
  private final SSLContext given;
  private final HandshakeRecorder recorder;
  private final Clock clock;
  private final MaterialReloader reloader;
  private final AtomicLong numbers = new AtomicLong();
  private volatile Generation current;
  private Consumer<Generation> onChange = generation -> {};

  ClientMaterial(MtlsClient.Builder builder, HandshakeRecorder recorder, Consumer<MaterialEvent> events) {
    this.recorder = recorder;
    this.clock = builder.clock;
    this.given = builder.sslContext;
    List<MaterialUnit<?>> units = new ArrayList<>();
    // A fixed identity is used as given, even expired: the pre-flight check explains what a server will say.
    this.fixedIdentity = builder.identity;
    this.identity = builder.identityFiles == null ? null : builder.identityFiles.apply(builder.clock);
    if (identity != null) {
      units.add(identity.unit());
    }
    if (builder.sslContext == null && builder.trustFiles.hasAnchors()) {
      ReloadableTrust reloadable = builder.trustFiles.build();
      units.addAll(reloadable.units());
      this.trust = reloadable;
    } else {
      // Only with the caller's own SSLContext is there no trust of ours (the builder refuses none otherwise).
      Trust fixed = builder.trust != null ? builder.trust : Trust.system();
      this.trust = () -> fixed;
    }
    this.reloader = new MaterialReloader(units, clock).listener(event -> {
      events.accept(event);
      if (event.applied() && current != null) {
        advance();
      }
    });
    reloader.loadAll();
    advance();
  }

  /** Told of each new generation after the first, on the thread that applied the change. */
  void onChange(Consumer<Generation> listener) {
    this.onChange = listener;
  }

  Generation current() {
    return current;
  }

  /** Checks the files now; returns what happened (nothing when nothing changed). */
  List<MaterialEvent> reload() {
    return reloader.poll();
  }

  void start(Duration interval) {
    reloader.start(interval, "mtls-client-reload");
  }

  @Override
  public void close() {
    reloader.close();
  }

  private synchronized void advance() {
    long number = numbers.incrementAndGet();
    if (given != null) {
      current = new Generation(number, given, null, null);
      return;
    }
    Identity ours = identity == null ? fixedIdentity : identity.current();
    Trust servers = trust.get();
    SSLContext context = TlsPolicy.context(recorder.keyManager(ours == null ? null : ours.keyManager()),
        // The trust manager reads the trust in service at each handshake; the generation only pins what it was.
        PeerTrustManager.forServers(trust, clock, HttpClientHostnames.CHECK).observedBy(recorder::serverVerdict));
    Generation next = new Generation(number, context, ours, servers);
    boolean first = current == null;
    current = next;
    if (!first) {
      onChange.accept(next);
    }
  }
}
