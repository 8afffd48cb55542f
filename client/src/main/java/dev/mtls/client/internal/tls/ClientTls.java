package dev.mtls.client.internal.tls;

import dev.mtls.pki.material.reload.MaterialEvent;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.apache.hc.client5.http.ssl.TlsSocketStrategy;

/**
 * The client's TLS side: our material in generations, and the strategies HttpClient5 handshakes through (classic and
 * async), which always use the generation in service and record every handshake.
 */
public final class ClientTls implements AutoCloseable {
  private final HandshakeRecorder recorder = new HandshakeRecorder();
  private final TlsSocketAdapter adapter;
  private final AsyncTlsAdapter async;
  private final ClientMaterial material;
  private final List<Consumer<Generation>> onChange = new CopyOnWriteArrayList<>();

  /**
   * Loads the material (a failure to load it is thrown here) and makes the first generation.
   *
   * @param handshakes told of each completed handshake, on the thread that made it
   * @param events     told of each load or reload of our material, applied or refused
   */
  public ClientTls(MaterialSources sources, List<String> protocols, Clock clock, Consumer<Handshake> handshakes,
      Consumer<MaterialEvent> events) {
    this.adapter = new TlsSocketAdapter(protocols, recorder, clock, handshakes);
    this.async = new AsyncTlsAdapter(protocols, recorder, clock);
    this.material = new ClientMaterial(sources, recorder, clock, events);
    adapter.use(material.current());
    async.use(material.current());
    material.onChange(generation -> {
      adapter.use(generation);
      async.use(generation);
      onChange.forEach(listener -> listener.accept(generation));
    });
  }

  /** The strategy for HttpClient5's classic connection manager. */
  public TlsSocketStrategy socketStrategy() {
    return adapter;
  }

  /** The strategy for HttpClient5's async connection manager. */
  public AsyncTlsAdapter asyncStrategy() {
    return async;
  }

  /**
   * Also tells {@code listener} of each new generation, after new connections have begun to use it, on the thread
   * that applied the change.
   */
  public void onChange(Consumer<Generation> listener) {
    onChange.add(listener);
  }

  /** Starts polling the material's files every {@code interval} (zero: never). */
  public void start(Duration interval) {
    material.start(interval);
  }

  public Generation current() {
    return material.current();
  }

  /** Checks the files now; returns what happened (nothing when nothing changed). */
  public List<MaterialEvent> reload() {
    return material.reload();
  }

  /** TLS handshakes completed, by the classic and the async client: full ones and resumptions. */
  public int handshakes() {
    return adapter.handshakes() + async.handshakes();
  }

  /** Full handshakes: the server sent its certificate and we checked it (a resumption does not). */
  public int fullHandshakes() {
    return recorder.fullHandshakes();
  }

  @Override
  public void close() {
    material.close();
  }
}
