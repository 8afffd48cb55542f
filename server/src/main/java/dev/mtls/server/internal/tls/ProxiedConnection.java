package dev.mtls.server.internal.tls;

import java.net.SocketAddress;
import org.xnio.IoUtils;
import org.xnio.StreamConnection;

/**
 * A balancer's connection under the addresses its PROXY header names: the client's as the peer, the address the
 * client connected to as the local one. The bytes flow through the balancer's connection unchanged.
 */
final class ProxiedConnection extends StreamConnection {
  private final StreamConnection balancer;
  private final SocketAddress client;
  private final SocketAddress destination;

  ProxiedConnection(StreamConnection balancer, SocketAddress client, SocketAddress destination) {
    super(balancer.getIoThread());
    this.balancer = balancer;
    this.client = client;
    this.destination = destination;
    setSourceConduit(balancer.getSourceChannel().getConduit());
    setSinkConduit(balancer.getSinkChannel().getConduit());
  }

  @Override
  public SocketAddress getPeerAddress() {
    return client;
  }

  @Override
  public SocketAddress getLocalAddress() {
    return destination;
  }

  @Override
  protected void notifyReadClosed() {
    IoUtils.safeClose(balancer.getSourceChannel());
  }

  @Override
  protected void notifyWriteClosed() {
    IoUtils.safeClose(balancer.getSinkChannel());
  }
}
