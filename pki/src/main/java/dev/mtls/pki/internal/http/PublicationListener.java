package dev.mtls.pki.internal.http;

import dev.mtls.pki.material.trust.TlsPolicy;
import io.undertow.Undertow;
import io.undertow.UndertowOptions;
import io.undertow.protocols.ssl.UndertowXnioSsl;
import io.undertow.server.DefaultByteBufferPool;
import io.undertow.server.HttpHandler;
import io.undertow.server.protocol.http.HttpOpenListener;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import org.xnio.ChannelListeners;
import org.xnio.IoUtils;
import org.xnio.OptionMap;
import org.xnio.Options;
import org.xnio.SslClientAuthMode;
import org.xnio.StreamConnection;
import org.xnio.Xnio;
import org.xnio.XnioWorker;
import org.xnio.channels.AcceptingChannel;

/**
 * The publication server's HTTP listener, made of Undertow's own parts on a worker of its own, as Undertow's builder
 * makes one, with a limit per client address in front: non-blocking I/O on two threads, the answers made by four
 * worker threads, and every bound of {@link Limits} applied to each connection.
 */
public final class PublicationListener implements AutoCloseable {
  /**
   * What a peer is held to.
   *
   * @param requestTimeout the request line and headers, from their first byte, and then the body must arrive within it
   * @param idleTimeout a connection silent for longer is closed
   * @param maxConnections connections open at once; at the limit no more are accepted until a tenth have closed
   * @param maxConnectionsPerAddress connections open at once from one address; more are closed as they come
   * @param maxBodyBytes the largest request body
   */
  public record Limits(Duration requestTimeout, Duration idleTimeout, int maxConnections, int maxConnectionsPerAddress,
      long maxBodyBytes) {}

  private static final int IO_THREADS = 2;
  /** Answering OCSP is a signature, serving a CRL a copy: a few threads do it for many connections. */
  private static final int WORKER_THREADS = 4;
  /** The request line and headers: room for an OCSP GET, whose path holds the whole request. */
  private static final int MAX_HEADER_BYTES = 64 * 1024;
  private static final int MAX_HEADERS = 64;

  private final XnioWorker worker;
  private final DefaultByteBufferPool buffers;
  private final HttpOpenListener http;
  private final AcceptingChannel<? extends StreamConnection> channel;

  private PublicationListener(XnioWorker worker, DefaultByteBufferPool buffers, HttpOpenListener http,
      AcceptingChannel<? extends StreamConnection> channel) {
    this.worker = worker;
    this.buffers = buffers;
    this.http = http;
    this.channel = channel;
  }

  /**
   * Listens on {@code address} and hands each request that arrives within the limits to {@code root}; over TLS with
   * {@code tls} (client certificates requested, not required) when it is not null.
   */
  public static PublicationListener open(InetSocketAddress address, Limits limits, HttpHandler root, SSLContext tls)
      throws IOException {
    XnioWorker worker = Xnio.getInstance(Undertow.class.getClassLoader()).createWorker(OptionMap.builder()
        .set(Options.WORKER_IO_THREADS, IO_THREADS)
        .set(Options.WORKER_TASK_CORE_THREADS, WORKER_THREADS)
        .set(Options.WORKER_TASK_MAX_THREADS, WORKER_THREADS)
        .set(Options.WORKER_NAME, "pki-publication")
        .set(Options.THREAD_DAEMON, true)
        .getMap());
    DefaultByteBufferPool buffers = new DefaultByteBufferPool(true, 16 * 1024 - 20, -1, 4);
    try {
      HttpOpenListener http = new HttpOpenListener(buffers, OptionMap.builder()
          .set(UndertowOptions.REQUEST_PARSE_TIMEOUT, (int) limits.requestTimeout().toMillis())
          .set(UndertowOptions.NO_REQUEST_TIMEOUT, (int) limits.idleTimeout().toMillis())
          .set(UndertowOptions.IDLE_TIMEOUT, (int) limits.idleTimeout().toMillis())
          .set(UndertowOptions.MAX_HEADER_SIZE, MAX_HEADER_BYTES)
          .set(UndertowOptions.MAX_HEADERS, MAX_HEADERS)
          .set(UndertowOptions.MAX_ENTITY_SIZE, limits.maxBodyBytes())
          .getMap());
      http.setRootHandler(new RequestDeadline(root, limits.requestTimeout()));
      OptionMap socketOptions = OptionMap.builder()
          .set(Options.TCP_NODELAY, true)
          .set(Options.REUSE_ADDRESSES, true)
          .set(Options.BACKLOG, 1000)
          .set(Options.CONNECTION_HIGH_WATER, limits.maxConnections())
          .set(Options.CONNECTION_LOW_WATER, limits.maxConnections() * 9 / 10)
          .getMap();
      AddressLimit limited = new AddressLimit(limits.maxConnectionsPerAddress(), http);
      AcceptingChannel<? extends StreamConnection> channel = tls == null
          ? worker.createStreamConnectionServer(address, ChannelListeners.openListenerAdapter(limited), socketOptions)
          : new UndertowXnioSsl(worker.getXnio(), OptionMap.EMPTY, tls).createSslConnectionServer(worker, address,
              ChannelListeners.openListenerAdapter(limited), OptionMap.builder().addAll(socketOptions)
                  .set(Options.SSL_CLIENT_AUTH_MODE, SslClientAuthMode.REQUESTED)
                  .setSequence(Options.SSL_ENABLED_PROTOCOLS, TlsPolicy.PROTOCOLS.toArray(String[]::new))
                  .setSequence(Options.SSL_ENABLED_CIPHER_SUITES, TlsPolicy.cipherSuites(tls))
                  .getMap());
      channel.resumeAccepts();
      return new PublicationListener(worker, buffers, http, channel);
    } catch (IOException | RuntimeException e) {
      worker.shutdownNow();
      buffers.close();
      throw e;
    }
  }

  public int port() {
    return channel.getLocalAddress(InetSocketAddress.class).getPort();
  }

  /**
   * Stops accepting, closes every connection and waits (up to 10 s) for the threads to end, also when the calling
   * thread was interrupted (as a command stopped by Ctrl-C is); the interrupt is kept for the caller.
   */
  @Override
  public void close() {
    IoUtils.safeClose(channel);
    http.closeConnections();
    worker.shutdown();
    boolean interrupted = Thread.interrupted();
    try {
      if (!worker.awaitTermination(10, TimeUnit.SECONDS)) {
        worker.shutdownNow();
      }
    } catch (InterruptedException e) {
      interrupted = true;
      worker.shutdownNow();
    } finally {
      buffers.close();
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
