package dev.mtls.server.internal.tls;

import dev.mtls.pki.material.trust.Purpose;
import dev.mtls.pki.material.trust.Reason;
import dev.mtls.pki.material.trust.Verdict;
import dev.mtls.server.Balancers;
import dev.mtls.server.Rejection;
import dev.mtls.server.ServerListener;
import io.undertow.connector.ByteBufferPool;
import io.undertow.connector.PooledByteBuffer;
import io.undertow.protocols.ssl.UndertowXnioSsl;
import io.undertow.util.PooledAdaptor;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
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
import org.xnio.conduits.PushBackStreamSourceConduit;

/**
 * The HTTPS listener of a server behind an L4 load balancer: every connection starts with a PROXY protocol header
 * (v1 or v2) that names the real client, which the access log, the events and the per-address limit then see.
 * Only a connection from a configured balancer may say who the client is: any other is closed before a byte is read
 * from it ({@link Reason#NOT_A_BALANCER}). A balancer's connection is read by {@link ProxyHeaderReader}, which
 * holds it to the specification exactly: no header ({@link Reason#NO_PROXY_HEADER}), an invalid one
 * ({@link Reason#BAD_PROXY_HEADER}, e.g. an IPv4 octet above 255) or one not complete within the handshake timeout
 * closes it. Each such close is a {@link Rejection}, so it is logged, counted and seen by listeners.
 *
 * <p>Undertow's builder offers the PROXY protocol but no say over who may speak it, and its own reader takes
 * {@code 999.1.1.1} for {@code 231.1.1.1}; so this listener is put together from Undertow's parts on the server's
 * worker (the same TLS, protocol listeners and options as a direct client's) around a header reader of our own.
 */
public final class BalancedListener implements AutoCloseable {
  private final AcceptingChannel<StreamConnection> channel;

  private BalancedListener(AcceptingChannel<StreamConnection> channel) {
    this.channel = channel;
  }

  /**
   * Opens the listener; a balancer's PROXY header must be complete within {@code headerTimeout}, and
   * {@code handshakes} runs the TLS engines' delegated tasks (never an I/O thread). Each TLS connection goes to
   * {@code https}, the listener that picks its HTTP version. A balancer's connection counts in {@code unserved} from
   * its accept, so a stop waits for one whose header has not arrived yet as for any other.
   */
  public static BalancedListener open(XnioWorker worker, InetSocketAddress address, SSLContext ssl,
      Executor handshakes, OptionMap socketOptions, ByteBufferPool buffers, ChannelListener<StreamConnection> https,
      Balancers balancers, Duration headerTimeout, UnservedConnections unserved, ServerListener listener, Clock clock)
      throws IOException {
    UndertowXnioSsl tls = new UndertowXnioSsl(worker.getXnio(), OptionMap.create(Options.USE_DIRECT_BUFFERS, true),
        ssl, handshakes);
    ProxyHeaderReader.Outcome outcome = new ProxyHeaderReader.Outcome() {
      @Override
      public void read(StreamConnection connection, ProxyHeader.Complete header, PooledByteBuffer rest) {
        // The TLS engine created here counts the connection from now on (ProxyHeaderReader settles the header's).
        StreamConnection client = header.namesClient()
            ? new ProxiedConnection(connection, header.source(), header.destination()) : connection;
        if (rest != null) {
          // The bytes read after the header are the TLS handshake's: TLS reads them first.
          PushBackStreamSourceConduit pushBack = new PushBackStreamSourceConduit(client.getSourceChannel().getConduit());
          pushBack.pushBack(new PooledAdaptor(rest));
          client.getSourceChannel().setConduit(pushBack);
        }
        https.handleEvent(tls.wrapExistingConnection(client, socketOptions, false));
      }

      @Override
      public void refused(StreamConnection connection, Reason reason, String sentence) {
        refuse(listener, clock, connection, reason, sentence);
      }
    };
    ChannelListener<StreamConnection> gate = connection -> {
      if (balancers.allows(connection.getPeerAddress())) {
        ProxyHeaderReader.start(connection, buffers, headerTimeout, outcome, unserved.accepted());
        return;
      }
      refuse(listener, clock, connection, Reason.NOT_A_BALANCER, ProxyHeaderReader.peer(connection)
          + " connected to a listener that takes the PROXY protocol from the configured balancers only (" + balancers
          + ")");
      IoUtils.safeClose(connection);
    };
    AcceptingChannel<StreamConnection> channel = worker.createStreamConnectionServer(address,
        ChannelListeners.openListenerAdapter(gate), socketOptions);
    channel.resumeAccepts();
    return new BalancedListener(channel);
  }

  /** Reported before the close, so whoever sees the connection end can see why. */
  private static void refuse(ServerListener listener, Clock clock, StreamConnection connection, Reason reason,
      String sentence) {
    listener.refused(new Rejection(ProxyHeaderReader.peer(connection), Verdict.refusal(reason, Purpose.CLIENT,
        sentence), Rejection.Stage.HANDSHAKE, false, clock.instant()));
  }

  public int port() {
    return channel.getLocalAddress(InetSocketAddress.class).getPort();
  }

  @Override
  public void close() {
    IoUtils.safeClose(channel);
  }
}
