package dev.mtls.server.internal.http;

import io.undertow.server.HttpServerExchange;
import java.net.InetSocketAddress;

/** How events and logs name the other end of a request: {@code host:port}, an IPv6 host in brackets. */
final class PeerAddress {
  private PeerAddress() {}

  static String of(HttpServerExchange exchange) {
    InetSocketAddress address = exchange.getSourceAddress();
    if (address == null) {
      return "(unknown peer)";
    }
    String host = address.getAddress() == null ? address.getHostString() : address.getAddress().getHostAddress();
    return (host.contains(":") ? "[" + host + "]" : host) + ":" + address.getPort();
  }
}
