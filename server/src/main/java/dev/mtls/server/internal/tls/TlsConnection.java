package dev.mtls.server.internal.tls;

import dev.mtls.pki.material.trust.Verdict;
import java.security.Principal;
import java.security.cert.Certificate;
import java.util.Optional;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSessionContext;

/**
 * The SSLSession of one connection as the server's handlers see it: the JSSE session plus what only the connection
 * knows: whether its handshake resumed an earlier session, when the connection started, and the trust core's
 * verdict its client was admitted on in the handshake (none for a resumed session, which judges no certificate).
 */
public final class TlsConnection implements SSLSession {
  private final SSLSession session;
  private final boolean resumed;
  private final long startedAtNanos;
  private final Verdict admittedOn;
  private final UnservedConnections.Unserved unserved;

  TlsConnection(SSLSession session, boolean resumed, long startedAtNanos, Verdict admittedOn,
      UnservedConnections.Unserved unserved) {
    this.session = session;
    this.resumed = resumed;
    this.startedAtNanos = startedAtNanos;
    this.admittedOn = admittedOn;
    this.unserved = unserved;
  }

  boolean isViewOf(SSLSession session) {
    return this.session == session;
  }

  /** A request began on this connection: a server that stops no longer owes it a first answer. */
  public void requestBegan() {
    unserved.settle();
  }

  public boolean resumed() {
    return resumed;
  }

  /** {@link System#nanoTime()} when the connection was accepted. */
  public long startedAtNanos() {
    return startedAtNanos;
  }

  /** The verdict the handshake admitted the client on; empty after a resumption. */
  public Optional<Verdict> admittedOn() {
    return Optional.ofNullable(admittedOn);
  }

  @Override public byte[] getId() { return session.getId(); }
  @Override public SSLSessionContext getSessionContext() { return session.getSessionContext(); }
  @Override public long getCreationTime() { return session.getCreationTime(); }
  @Override public long getLastAccessedTime() { return session.getLastAccessedTime(); }
  @Override public void invalidate() { session.invalidate(); }
  @Override public boolean isValid() { return session.isValid(); }
  @Override public void putValue(String name, Object value) { session.putValue(name, value); }
  @Override public Object getValue(String name) { return session.getValue(name); }
  @Override public void removeValue(String name) { session.removeValue(name); }
  @Override public String[] getValueNames() { return session.getValueNames(); }
  @Override public Certificate[] getPeerCertificates() throws SSLPeerUnverifiedException {
    return session.getPeerCertificates();
  }
  @Override public Certificate[] getLocalCertificates() { return session.getLocalCertificates(); }
  @SuppressWarnings("removal")
  @Override public javax.security.cert.X509Certificate[] getPeerCertificateChain()
      throws SSLPeerUnverifiedException {
    return session.getPeerCertificateChain();
  }
  @Override public Principal getPeerPrincipal() throws SSLPeerUnverifiedException {
    return session.getPeerPrincipal();
  }
  @Override public Principal getLocalPrincipal() { return session.getLocalPrincipal(); }
  @Override public String getCipherSuite() { return session.getCipherSuite(); }
  @Override public String getProtocol() { return session.getProtocol(); }
  @Override public String getPeerHost() { return session.getPeerHost(); }
  @Override public int getPeerPort() { return session.getPeerPort(); }
  @Override public int getPacketBufferSize() { return session.getPacketBufferSize(); }
  @Override public int getApplicationBufferSize() { return session.getApplicationBufferSize(); }
}
