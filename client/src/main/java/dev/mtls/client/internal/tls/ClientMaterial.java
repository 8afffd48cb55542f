package dev.mtls.client.internal.tls;

import dev.mtls.pki.material.Identity;
import dev.mtls.pki.material.reload.MaterialEvent;
import dev.mtls.pki.material.reload.MaterialReloader;
import dev.mtls.pki.material.reload.MaterialUnit;
import dev.mtls.pki.material.reload.ReloadableIdentity;
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

/** The client's identity and trust, reloaded from their files, as a sequence of {@link Generation}s. */
final class ClientMaterial implements AutoCloseable {
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

  ClientMaterial(MaterialSources sources, HandshakeRecorder recorder, Clock clock, Consumer<MaterialEvent> events) {
    this.recorder = recorder;
    this.clock = clock;
    this.given = sources.sslContext();
    List<MaterialUnit<?>> units = new ArrayList<>();
    // A fixed identity is used as given, even expired: the pre-flight check explains what a server will say.
    this.fixedIdentity = sources.identity();
    this.identity = sources.identityFiles();
    if (identity != null) {
      units.add(identity.unit());
    }
    if (sources.trustFiles() != null) {
      units.addAll(sources.trustFiles().units());
      this.trust = sources.trustFiles();
    } else {
      // Only with the caller's own SSLContext is there no trust of ours (the builder refuses none otherwise).
      Trust fixed = sources.trust() != null ? sources.trust() : Trust.system();
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
        PeerTrustManager.forServers(trust, clock, HttpClientHostnames.CHECK).observedWithEngine(recorder::serverVerdict));
    Generation next = new Generation(number, context, ours, servers);
    boolean first = current == null;
    current = next;
    if (!first) {
      onChange.accept(next);
    }
  }
}
