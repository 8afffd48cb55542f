package dev.mtls.server;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The load balancers a server accepts the PROXY protocol from: addresses and networks ({@code 10.0.0.0/8},
 * {@code ::1}), written as IP literals so that no name lookup decides whom to believe.
 */
public final class Balancers {
  private record Network(byte[] address, int prefix, String text) {}

  private final List<Network> networks;

  private Balancers(List<Network> networks) {
    this.networks = List.copyOf(networks);
  }

  /** Parses addresses and networks, e.g. {@code ["127.0.0.1", "10.1.0.0/16"]}; refuses anything else by name. */
  public static Balancers of(List<String> entries) {
    if (entries.isEmpty()) {
      throw new IllegalArgumentException("no balancer address given");
    }
    List<Network> networks = new ArrayList<>();
    for (String entry : entries) {
      String text = entry.strip();
      int slash = text.indexOf('/');
      String host = slash < 0 ? text : text.substring(0, slash);
      byte[] address = literal(host, text);
      int prefix = address.length * 8;
      if (slash >= 0) {
        try {
          prefix = Integer.parseInt(text.substring(slash + 1));
        } catch (NumberFormatException e) {
          prefix = -1;
        }
        if (prefix < 0 || prefix > address.length * 8) {
          throw new IllegalArgumentException("'" + text + "' has no valid prefix length (0 to " + address.length * 8
              + ")");
        }
      }
      networks.add(new Network(address, prefix, text));
    }
    return new Balancers(networks);
  }

  private static byte[] literal(String host, String entry) {
    boolean ipv4 = host.matches("[0-9.]+");
    boolean ipv6 = host.contains(":") && host.matches("[0-9a-fA-F:.]+");
    if (!ipv4 && !ipv6) {
      throw new IllegalArgumentException("'" + entry + "' is not an IP address or network (names are not resolved:"
          + " write the balancer's address, e.g. 10.0.0.5 or 10.0.0.0/24)");
    }
    try {
      return InetAddress.getByName(host).getAddress();
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException("'" + entry + "' is not an IP address: " + e.getMessage());
    }
  }

  /** Whether {@code peer}, the other end of a TCP connection, is one of the balancers. */
  public boolean allows(SocketAddress peer) {
    if (!(peer instanceof InetSocketAddress inet) || inet.getAddress() == null) {
      return false;
    }
    byte[] address = inet.getAddress().getAddress();
    for (Network network : networks) {
      if (network.address().length == address.length && matches(network, address)) {
        return true;
      }
    }
    return false;
  }

  private static boolean matches(Network network, byte[] address) {
    int whole = network.prefix() / 8;
    for (int i = 0; i < whole; i++) {
      if (network.address()[i] != address[i]) {
        return false;
      }
    }
    int rest = network.prefix() % 8;
    if (rest == 0) {
      return true;
    }
    int mask = 0xff << (8 - rest) & 0xff;
    return (network.address()[whole] & mask) == (address[whole] & mask);
  }

  @Override
  public String toString() {
    return String.join(", ", networks.stream().map(Network::text).toList());
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof Balancers balancers && toString().equals(balancers.toString());
  }

  @Override
  public int hashCode() {
    return Objects.hash(toString());
  }
}
