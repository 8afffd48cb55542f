package dev.mtls.server.internal.tls;

import dev.mtls.pki.material.trust.Purpose;
import dev.mtls.pki.material.trust.Reason;
import dev.mtls.pki.material.trust.Verdict;
import dev.mtls.server.Balancers;
import dev.mtls.server.Rejection;
import dev.mtls.server.ServerListener;
import io.undertow.connector.ByteBufferPool;
import io.undertow.protocols.ssl.UndertowXnioSsl;
import io.undertow.server.DefaultByteBufferPool;
import io.undertow.server.HttpHandler;
import io.undertow.server.protocol.http.HttpOpenListener;
import io.undertow.server.protocol.proxy.ProxyProtocolOpenListener;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.util.concurrent.Executor;
import javax.net.ssl.SSLContext;
import org.xnio.ChannelListener;
import org.xnio.ChannelListeners;
import org.xnio.IoUtils;
import org.xnio.OptionMap;
import org.xnio.Options;
import org.xnio.StreamConnection;
import org.xnio.XnioWorker;
import org.xnio.channels.AcceptingChannel;

/**
 * The HTTPS listener of a server behind an L4 load balancer: every connection starts with a PROXY protocol header
 * (v1 or v2, Undertow reads it) that names the real client, which the access log, the events and the per-address
 * limit then see. Only a connection from a configured balancer may say who the client is: any other is closed
 * before a byte is read from it, and reported as a refusal ({@link Reason#NOT_A_BALANCER}).
 *
 * <p>Undertow's builder offers the PROXY protocol but no say over who may speak it, so this listener is put
 * together from Undertow's own parts on the server's worker: the same HTTP listener, TLS and options.
 */
public final class BalancedListener implements AutoCloseable {
  private final AcceptingChannel<StreamConnection> channel;

  private BalancedListener(AcceptingChannel<StreamConnection> channel) {
    this.channel = channel;
  }

  public static BalancedListener open(XnioWorker worker, InetSocketAddress address, SSLContext ssl,
      Executor handshakes, OptionMap socketOptions, OptionMap serverOptions, HttpHandler root, Balancers balancers,
      ServerListener listener, Clock clock) throws IOException {
    ByteBufferPool buffers = new DefaultByteBufferPool(true, 16 * 1024 - 20, -1, 4);
    HttpOpenListener http = new HttpOpenListener(buffers, serverOptions);
    http.setRootHandler(root);
    UndertowXnioSsl tls = new UndertowXnioSsl(worker.getXnio(), OptionMap.create(Options.USE_DIRECT_BUFFERS, true),
        ssl, handshakes);
    ProxyProtocolOpenListener proxy = new ProxyProtocolOpenListener(http, tls, buffers, socketOptions);
    ChannelListener<StreamConnection> gate = connection -> {
      if (balancers.allows(connection.getPeerAddress())) {
        proxy.handleEvent(connection);
        return;
      }
      String peer = peer(connection);
      // Reported before the close, so whoever sees the connection end can see why.
      listener.refused(new Rejection(peer, Verdict.refusal(Reason.NOT_A_BALANCER, Purpose.CLIENT, peer
          + " connected to a listener that takes the PROXY protocol from the configured balancers only ("
          + balancers + ")"), Rejection.Stage.HANDSHAKE, false, clock.instant()));
      IoUtils.safeClose(connection);
    };
    AcceptingChannel<StreamConnection> channel = worker.createStreamConnectionServer(address,
        ChannelListeners.openListenerAdapter(gate), socketOptions);
    channel.resumeAccepts();
    return new BalancedListener(channel);
  }

  private static String peer(StreamConnection connection) {
    if (connection.getPeerAddress() instanceof InetSocketAddress inet && inet.getAddress() != null) {
      String host = inet.getAddress().getHostAddress();
      return (host.contains(":") ? "[" + host + "]" : host) + ":" + inet.getPort();
    }
    return String.valueOf(connection.getPeerAddress());
  }

  public int port() {
    return channel.getLocalAddress(InetSocketAddress.class).getPort();
  }

  @Override
  public void close() {
    IoUtils.safeClose(channel);
  }
}
