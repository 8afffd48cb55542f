package dev.mtls.client;

import java.security.Principal;
import java.security.cert.X509Certificate;
import java.util.List;

/**
 * The TLS side of one response.
 *
 * @param protocol             negotiated protocol, e.g. {@code TLSv1.3}
 * @param cipherSuite          negotiated suite
 * @param serverChain          the chain the server presented, leaf first (for a resumed session, the chain it
 *                             presented when the session was made)
 * @param newConnection        true when this request opened (and handshook) the connection; false when it
 *                             reused a pooled one
 * @param certificateRequested whether the server asked for a client certificate in the handshake that made
 *                             this session
 * @param acceptedIssuers      the CAs the server said it accepts (may be empty: "any")
 * @param acceptedKeyTypes     the key types the client could offer for the server's signature algorithms
 * @param certificateSent      whether we sent our certificate
 */
public record TlsInfo(
    String protocol,
    String cipherSuite,
    List<X509Certificate> serverChain,
    boolean newConnection,
    boolean certificateRequested,
    List<Principal> acceptedIssuers,
    List<String> acceptedKeyTypes,
    boolean certificateSent) {

  public TlsInfo {
    serverChain = List.copyOf(serverChain);
    acceptedIssuers = List.copyOf(acceptedIssuers);
    acceptedKeyTypes = List.copyOf(acceptedKeyTypes);
  }
}
