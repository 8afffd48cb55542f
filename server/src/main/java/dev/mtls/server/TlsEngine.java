package dev.mtls.server;

/**
 * Which implementation speaks TLS on the server's connections. The trust decision is the project's in both: the
 * engine calls the same trust manager with the client's chain, and the same verdict admits the connection.
 *
 * <ul>
 *   <li>{@link #JDK} (the default): the JDK's own JSSE engine, under the whole {@code TlsPolicy}.</li>
 *   <li>{@link #CONSCRYPT}: BoringSSL through Conscrypt's JSSE provider, which made a third more full and refused
 *   handshakes a second than the JDK's here (docs/performance.md). Optional: its jar
 *   ({@code conscrypt-openjdk-uber}) must be on the class path. Conscrypt lets no caller restrict BoringSSL's
 *   signature schemes, and in TLS 1.2 BoringSSL accepts a client's RSA PKCS#1 SHA-1 CertificateVerify, which the
 *   policy forbids; TLS 1.3 allows neither PKCS#1 nor SHA-1 there, so this engine serves TLS 1.3 only. It runs the
 *   trust manager on the connection's I/O thread (it has no delegated tasks), so it is refused for a server whose
 *   handshakes may wait on the network (a revocation source or stapling).</li>
 * </ul>
 */
public enum TlsEngine {
  JDK,
  CONSCRYPT
}
