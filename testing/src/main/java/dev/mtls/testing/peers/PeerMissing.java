package dev.mtls.testing.peers;

import java.util.List;
import org.opentest4j.TestAbortedException;

/** Why a test did not run: the peers it needs are not installed here. Counted by {@link MissingPeersSummary}. */
public final class PeerMissing extends TestAbortedException {
  private static final long serialVersionUID = 1L;

  private final transient List<Peer> peers;

  PeerMissing(List<Peer> peers) {
    super(names(peers) + " not installed; " + Peer.INSTALL_HINT + " (or MTLS_PEERS=required to fail instead)");
    this.peers = List.copyOf(peers);
  }

  public List<Peer> peers() {
    return peers;
  }

  static String names(List<Peer> peers) {
    return String.join(", ", peers.stream().map(Peer::displayName).distinct().toList());
  }
}
