package dev.mtls.pki.material.trust;

/**
 * Why a peer's certificate was accepted or refused: the one vocabulary the server's rejection line, the client's
 * diagnosis and {@code pki verify} share. Each value has a few words for a log line and a hint for a person.
 */
public enum Reason {
  TRUSTED("trusted", "Nothing to do."),
  NO_CERTIFICATE("no certificate",
      "Configure a client certificate issued by a CA the server trusts."),
  UNTRUSTED_ISSUER("not issued by a trusted CA",
      "Use a certificate from a CA the verifier trusts (and send the intermediate with it), or add that CA to its "
          + "trust anchors. A CA with the same name but another key is a different CA."),
  BAD_SIGNATURE("signature does not verify",
      "The chain is broken or tampered with: send the certificates exactly as the CA issued them."),
  EXPIRED("expired", "Renew the certificate, and check the clocks of both machines."),
  NOT_YET_VALID("not yet valid", "Check the clocks of both machines, or wait until the certificate is valid."),
  ANCHOR_EXPIRED("trust anchor expired",
      "A CA certificate the verifier trusts as an anchor has expired: give the verifier the CA's renewed certificate"
          + " (and the peer a chain to it), and check the verifier's clock."),
  ANCHOR_NOT_YET_VALID("trust anchor not yet valid",
      "A CA certificate the verifier trusts as an anchor is not valid yet: check the verifier's clock, or keep the"
          + " previous CA certificate among the anchors until the new one is valid."),
  REVOKED("revoked", "The CA revoked this certificate: get a new one (with a new key if the key was compromised)."),
  REVOCATION_UNKNOWN("revocation status unknown",
      "Give the verifier a current CRL from every CA in the path, or relax its missing-CRL setting deliberately."),
  MISSING_STAPLE("no stapled OCSP response",
      "The server certificate asks for OCSP stapling (TLS Feature status_request, RFC 7633 \"must-staple\"), or this"
          + " client requires it: turn stapling on at the server (ocsp-stapling = on) with a responder it reaches."),
  CRL_STALE("CRL out of date", "Publish a fresh CRL (pki crl) and give it to the verifier; it is re-read while running."),
  WEAK_ALGORITHM("weak algorithm",
      "Reissue with SHA-256 or stronger and a key of the accepted kinds (EC P-256/P-384/P-521, RSA >= 2048, Ed25519)."),
  WRONG_PURPOSE("not allowed for this purpose",
      "Use a certificate issued for this role: clientAuth for clients, serverAuth for servers."),
  KEY_USAGE("key usage does not allow this", "Reissue the certificate with the key usage its role needs."),
  NOT_A_CA("issuer is not a CA", "Only a CA certificate (basicConstraints CA:TRUE) may sign other certificates."),
  PATH_TOO_LONG("path length constraint violated",
      "A CA in the chain allows fewer CAs below it (pathLen): issue from the CA that is allowed to."),
  NAME_CONSTRAINTS("outside the CA's name constraints",
      "The issuing CA may only issue for the names in its name constraints; request names within them."),
  UNKNOWN_CRITICAL_EXTENSION("unknown critical extension",
      "A critical extension the verifier does not understand must be refused: reissue without it."),
  POLICY("certificate policy not satisfied", "Reissue under a certificate policy the verifier requires."),
  HOSTNAME_MISMATCH("host name mismatch",
      "Connect with a name the certificate lists, or reissue it with this host as a subject alternative name."),
  INVALID_CERTIFICATE("invalid certificate", "The certificate is malformed; reissue it."),
  NO_COMMON_PROTOCOL("no common TLS protocol or cipher suite",
      "Both sides must support TLS 1.3 or 1.2 with an AEAD, forward-secret cipher suite."),
  HANDSHAKE_TIMEOUT("handshake too slow",
      "The handshake must complete within the server's handshake timeout; check the network, or the peer is stalling."),
  RENEGOTIATION_REFUSED("renegotiation refused",
      "This server does not renegotiate TLS 1.2 connections; open a new connection instead."),
  TOO_MANY_CONNECTIONS("too many connections from this address",
      "Reuse connections (keep-alive) instead of opening many; the limit is the server's max-connections-per-address."),
  NOT_A_TRUSTED_PROXY("not a trusted proxy",
      "Only a client whose certificate has a public key pinned in trusted-proxy-keys may forward a client"
          + " certificate (Client-Cert); any other client presents its own certificate in the TLS handshake."),
  NOT_A_BALANCER("not a configured balancer",
      "This listener takes the PROXY protocol from the configured load balancers only: connect through one of them."),
  NO_PROXY_HEADER("no PROXY protocol header",
      "A connection from a configured balancer must start with a PROXY protocol header (v1 or v2): turn it on in the"
          + " balancer (HAProxy send-proxy-v2, nginx stream proxy_protocol on) for every server line."),
  BAD_PROXY_HEADER("invalid PROXY protocol header",
      "The balancer's PROXY protocol header does not match the specification exactly (format, address, port,"
          + " length): the connection was closed; check the balancer and what sits between it and the server."),
  HANDSHAKE_FAILED("handshake failed", "See the technical cause.");

  private final String words;
  private final String hint;

  Reason(String words, String hint) {
    this.words = words;
    this.hint = hint;
  }

  /** A few words for a log line, e.g. "not issued by a trusted CA". */
  public String words() {
    return words;
  }

  /** What to do about it, for a person. */
  public String hint() {
    return hint;
  }

  @Override
  public String toString() {
    return words;
  }
}
