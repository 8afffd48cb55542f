package dev.mtls.pki.internal.http;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.ConcurrentHashMap;
import org.xnio.ChannelListener;
import org.xnio.IoUtils;
import org.xnio.StreamConnection;

/**
 * Closes a new connection at once when its address already has {@code max} open, so that one peer cannot take every
 * connection the server allows; the others go on to {@code next}. An address is counted only while it has a
 * connection open: the map holds no more entries than there are connections.
 */
final class AddressLimit implements ChannelListener<StreamConnection> {
  private final int max;
  private final ChannelListener<StreamConnection> next;
  private final ConcurrentHashMap<InetAddress, Integer> open = new ConcurrentHashMap<>();

  AddressLimit(int max, ChannelListener<StreamConnection> next) {
    this.max = max;
    this.next = next;
  }

  @Override
  public void handleEvent(StreamConnection connection) {
    InetAddress address = connection.getPeerAddress(InetSocketAddress.class).getAddress();
    int count = open.merge(address, 1, Integer::sum);
    // Added to, not replacing, the close listeners Undertow sets later.
    connection.setCloseListener(closed -> open.computeIfPresent(address, (a, n) -> n == 1 ? null : n - 1));
    if (count > max) {
      IoUtils.safeClose(connection);
      return;
    }
    next.handleEvent(connection);
  }
}
