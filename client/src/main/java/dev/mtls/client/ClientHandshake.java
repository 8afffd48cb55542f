package dev.mtls.client;

import dev.mtls.pki.material.trust.Verdict;
import java.security.cert.X509Certificate;
import java.time.Instant;

/**
 * A TLS handshake this client completed: one per new connection.
 *
 * @param host              the server's host name, as in the URL
 * @param port              the server's port
 * @param protocol          e.g. TLSv1.3
 * @param cipherSuite       e.g. TLS_AES_128_GCM_SHA256
 * @param resumed           an abbreviated handshake that resumed an earlier session (the server's certificate was
 *                          judged then, not now)
 * @param serverCertificate the server's certificate
 * @param serverVerdict     our trust core's verdict on the server's chain: the path, and how its revocation status was
 *                          established (a stapled OCSP answer, a CRL, ...); null for a resumed session, judged when
 *                          it was made
 * @param ourCertificate    the certificate we presented; null when the server did not ask or we had none
 * @param generation        the generation of our material the handshake used (1 at start, one more per change)
 * @param at                when the handshake completed
 */
public record ClientHandshake(String host, int port, String protocol, String cipherSuite, boolean resumed,
    X509Certificate serverCertificate, Verdict serverVerdict, X509Certificate ourCertificate, long generation,
    Instant at) {}
