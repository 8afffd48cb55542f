package dev.mtls.client.internal.pool;

import dev.mtls.client.internal.tls.AsyncTlsAdapter;
import dev.mtls.client.internal.tls.Handshake;
import java.io.IOException;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.concurrent.Future;
import java.util.function.LongSupplier;
import javax.net.ssl.SSLSession;
import org.apache.hc.client5.http.EndpointInfo;
import org.apache.hc.client5.http.HttpRoute;
import org.apache.hc.client5.http.config.TlsConfig;
import org.apache.hc.client5.http.nio.AsyncClientConnectionManager;
import org.apache.hc.client5.http.nio.AsyncConnectionEndpoint;
import org.apache.hc.core5.concurrent.BasicFuture;
import org.apache.hc.core5.concurrent.FutureCallback;
import org.apache.hc.core5.http.HttpConnection;
import org.apache.hc.core5.http.RequestNotExecutedException;
import org.apache.hc.core5.http.protocol.HttpContext;
import org.apache.hc.core5.io.CloseMode;
import org.apache.hc.core5.reactor.ConnectionInitiator;
import org.apache.hc.core5.reactor.ssl.TransportSecurityLayer;
import org.apache.hc.core5.util.TimeValue;
import org.apache.hc.core5.util.Timeout;

/**
 * HttpClient's async pool, with each HTTP/2 connection lent to many requests at once ({@link SharedConnection}).
 * HttpClient 5.6's own sharing is experimental: it shares a connection only once it has come back from the request
 * that opened it (a burst of requests opens a connection each), and a request that fails closes the connection with
 * every other request's stream on it. Here the first request to a server opens the connection while the next ones
 * wait; if the server picks h2 they all share it at once, else (HTTP/1.1) each leases its own from the pool, as
 * every request does without HTTP/2. Each connection attempt also gets a {@link TlsConfig} of its own, through which
 * its handshake finds the request that made it ({@link AsyncTlsAdapter#attempt}).
 */
final class SharingConnectionManager implements AsyncClientConnectionManager {
  /** Servers that picked HTTP/1.1 are remembered, the most recent this many: their requests need not wait. */
  private static final int REMEMBERED = 256;

  /** A server's shared connection, or the opening of one with the requests waiting for it. */
  private static final class Server {
    SharedConnection shared;
    boolean opening;
    final Deque<Waiting> waiting = new ArrayDeque<>();
  }

  private record Waiting(String id, Object state, Timeout timeout, BasicFuture<AsyncConnectionEndpoint> lent) {}

  private final AsyncClientConnectionManager pool;
  private final AsyncTlsAdapter tls;
  private final TlsConfig settings;
  private final boolean share;
  private final LongSupplier generation;
  private final Clock clock;
  // The connection each handshake made, told by the TLS side; weak keys: a closed connection leaves nothing.
  private final Map<Handshake, HttpConnection> connections = Collections.synchronizedMap(new WeakHashMap<>());
  // Guarded by this.
  private final Map<HttpRoute, Server> servers = new HashMap<>();
  private final Map<HttpRoute, Boolean> http1 = new LinkedHashMap<>(16, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<HttpRoute, Boolean> eldest) {
      return size() > REMEMBERED;
    }
  };

  /**
   * @param share      whether HTTP/2 connections are shared (the client offers h2); else each request leases its own
   * @param generation the material generation in service
   */
  SharingConnectionManager(AsyncClientConnectionManager pool, AsyncTlsAdapter tls, TlsConfig settings, boolean share,
      LongSupplier generation, Clock clock) {
    this.pool = pool;
    this.tls = tls;
    this.settings = settings;
    this.share = share;
    this.generation = generation;
    this.clock = clock;
  }

  /** A connection completed its handshake (told on its I/O thread). */
  void opened(TransportSecurityLayer connection, Handshake handshake, SSLSession session) {
    if (connection instanceof HttpConnection http) {
      connections.put(handshake, http);
    }
  }

  @Override
  public Future<AsyncConnectionEndpoint> lease(String id, HttpRoute route, Object state, Timeout requestTimeout,
      FutureCallback<AsyncConnectionEndpoint> callback) {
    BasicFuture<AsyncConnectionEndpoint> lent = new BasicFuture<>(callback);
    LentEndpoint shared = null;
    boolean opener = false;
    boolean waiting = false;
    List<SharedConnection> idle = new ArrayList<>(0);
    synchronized (this) {
      if (share && !http1.containsKey(route)) {
        Server server = servers.computeIfAbsent(route, key -> new Server());
        shared = lendShared(server, idle);
        waiting = shared == null && server.opening;
        if (waiting) {
          server.waiting.add(new Waiting(id, state, requestTimeout, lent));
        }
        opener = shared == null && !waiting;
        server.opening |= opener;
      }
    }
    idle.forEach(this::giveBack);
    if (waiting) {
      return lent;
    }
    if (shared != null) {
      give(lent, shared);
    } else {
      leaseFromPool(id, route, state, requestTimeout, lent, opener);
    }
    return lent;
  }

  @Override
  public void release(AsyncConnectionEndpoint endpoint, Object newState, TimeValue validDuration) {
    LentEndpoint lent = (LentEndpoint) endpoint;
    if (!lent.returned.compareAndSet(false, true)) {
      return;
    }
    SharedConnection shared = lent.shared;
    if (shared == null) {
      pool.release(lent.endpoint, newState, validDuration);
      if (lent.opener && !lent.settled) {
        openingFailed(lent.route);
      }
      return;
    }
    boolean done;
    synchronized (this) {
      done = --shared.users == 0 && shared.retired;
    }
    if (done) {
      giveBack(shared);
    }
  }

  @Override
  public Future<AsyncConnectionEndpoint> connect(AsyncConnectionEndpoint endpoint,
      ConnectionInitiator connectionInitiator, Timeout connectTimeout, Object attachment, HttpContext context,
      FutureCallback<AsyncConnectionEndpoint> callback) {
    LentEndpoint lent = (LentEndpoint) endpoint;
    if (lent.shared != null) {
      // The shared connection closed under the request: it was never sent, and may go again on another.
      BasicFuture<AsyncConnectionEndpoint> failed = new BasicFuture<>(callback);
      failed.failed(new RequestNotExecutedException());
      return failed;
    }
    TlsConfig attempt = tls.attempt(attachment instanceof TlsConfig given ? given : settings, context);
    return pool.connect(lent.endpoint, connectionInitiator, connectTimeout, attempt, context,
        new FutureCallback<>() {
          @Override
          public void completed(AsyncConnectionEndpoint connected) {
            tls.attemptEnded(attempt);
            if (lent.opener && !lent.settled) {
              judge(lent, false);
            }
            if (callback != null) {
              callback.completed(lent);
            }
          }

          @Override
          public void failed(Exception failure) {
            tls.attemptEnded(attempt);
            if (callback != null) {
              callback.failed(failure);
            }
          }

          @Override
          public void cancelled() {
            tls.attemptEnded(attempt);
            if (callback != null) {
              callback.cancelled();
            }
          }
        });
  }

  @Override
  public void upgrade(AsyncConnectionEndpoint endpoint, Object attachment, HttpContext context) {
    pool.upgrade(((LentEndpoint) endpoint).endpoint, attachment, context);
  }

  /** Retires each shared connection no longer to be lent (another generation, an expired verdict, closed). */
  void retireUnlendable() {
    List<SharedConnection> idle = new ArrayList<>();
    synchronized (this) {
      for (Iterator<Server> it = servers.values().iterator(); it.hasNext(); ) {
        Server server = it.next();
        if (server.shared != null && !server.shared.lendable(generation.getAsLong(), clock.instant())) {
          retire(server, idle);
          if (!server.opening && server.waiting.isEmpty()) {
            it.remove();
          }
        }
      }
    }
    idle.forEach(this::giveBack);
  }

  @Override
  public void close(CloseMode closeMode) {
    List<Waiting> abandoned = new ArrayList<>();
    synchronized (this) {
      servers.values().forEach(server -> abandoned.addAll(server.waiting));
      servers.clear();
    }
    abandoned.forEach(waiting -> waiting.lent().cancel());
    pool.close(closeMode);
  }

  @Override
  public void close() throws IOException {
    close(CloseMode.GRACEFUL);
  }

  /**
   * A part of {@code server}'s shared connection, if it has one that may be lent; retires one that may not (into
   * {@code idle} when no request holds it: to give back to the pool).
   */
  private LentEndpoint lendShared(Server server, List<SharedConnection> idle) {
    SharedConnection shared = server.shared;
    if (shared == null) {
      return null;
    }
    if (!shared.lendable(generation.getAsLong(), clock.instant())) {
      retire(server, idle);
      return null;
    }
    shared.users++;
    return new LentEndpoint(shared);
  }

  /** Lends {@code server}'s shared connection no more; one no request holds goes into {@code idle}. */
  private void retire(Server server, List<SharedConnection> idle) {
    SharedConnection shared = server.shared;
    shared.retired = true;
    server.shared = null;
    if (shared.users == 0) {
      idle.add(shared);
    }
  }

  /** Closes a retired connection whose last stream has ended, and gives its place in the pool back. */
  private void giveBack(SharedConnection retired) {
    retired.endpoint.close(CloseMode.GRACEFUL);
    pool.release(retired.endpoint, null, TimeValue.ZERO_MILLISECONDS);
  }

  private void leaseFromPool(String id, HttpRoute route, Object state, Timeout timeout,
      BasicFuture<AsyncConnectionEndpoint> lent, boolean opener) {
    pool.lease(id, route, state, timeout, new FutureCallback<>() {
      @Override
      public void completed(AsyncConnectionEndpoint endpoint) {
        LentEndpoint own = new LentEndpoint(route, endpoint, opener);
        if (opener && endpoint.isConnected()) {
          judge(own, true);
        }
        give(lent, own);
      }

      @Override
      public void failed(Exception failure) {
        if (opener) {
          openingFailed(route);
        }
        lent.failed(failure);
      }

      @Override
      public void cancelled() {
        if (opener) {
          openingFailed(route);
        }
        lent.cancel();
      }
    });
  }

  /**
   * The opener's connection is up: if the server picked h2, the opener and every request waiting share it; else the
   * waiting requests lease their own. An idle HTTP/2 connection from the pool that may no longer be lent (another
   * generation, an expired verdict) is closed instead, and the opener connects anew.
   *
   * @param pooled whether the connection was idle in the pool (else the opener just made it)
   */
  private void judge(LentEndpoint opener, boolean pooled) {
    EndpointInfo info = opener.endpoint.getInfo();
    SSLSession session = info == null ? null : info.getSslSession();
    Handshake handshake = session == null ? null : Handshake.ofSession(session);
    HttpConnection connection = handshake == null ? null : connections.get(handshake);
    SharedConnection shared = handshake != null && "h2".equals(handshake.applicationProtocol()) && connection != null
        ? new SharedConnection(opener.route, opener.endpoint, handshake, session, connection) : null;
    if (shared != null && pooled && !shared.lendable(generation.getAsLong(), clock.instant())) {
      opener.endpoint.close(CloseMode.GRACEFUL);
      return;
    }
    List<Waiting> served;
    synchronized (this) {
      if (shared == null) {
        http1.put(opener.route, Boolean.TRUE);
      }
      opener.settled = true;
      Server server = servers.computeIfAbsent(opener.route, key -> new Server());
      server.opening = false;
      served = new ArrayList<>(server.waiting);
      server.waiting.clear();
      if (shared != null) {
        shared.users = 1 + served.size();
        server.shared = shared;
        opener.shared = shared;
      } else {
        forgetIfIdle(opener.route, server);
      }
    }
    for (Waiting waiting : served) {
      if (shared != null) {
        give(waiting.lent(), new LentEndpoint(shared));
      } else {
        leaseFromPool(waiting.id(), opener.route, waiting.state(), waiting.timeout(), waiting.lent(), false);
      }
    }
  }

  /** The opener got no connection: the next waiting request opens one instead. */
  private void openingFailed(HttpRoute route) {
    Waiting next;
    synchronized (this) {
      Server server = servers.get(route);
      if (server == null) {
        return;
      }
      next = server.waiting.poll();
      server.opening = next != null;
      forgetIfIdle(route, server);
    }
    if (next != null) {
      leaseFromPool(next.id(), route, next.state(), next.timeout(), next.lent(), true);
    }
  }

  /** Completes a request's lease; one that was cancelled meanwhile gives it back. */
  private void give(BasicFuture<AsyncConnectionEndpoint> lent, LentEndpoint endpoint) {
    if (!lent.completed(endpoint)) {
      release(endpoint, null, TimeValue.ZERO_MILLISECONDS);
    }
  }

  private void forgetIfIdle(HttpRoute route, Server server) {
    if (server.shared == null && !server.opening && server.waiting.isEmpty()) {
      servers.remove(route);
    }
  }
}
