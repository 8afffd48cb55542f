package dev.mtls.pki.material.internal.renewal;

import dev.mtls.pki.material.trust.TlsPolicy;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManager;
import org.bouncycastle.est.jcajce.SSLSocketFactoryCreator;

/**
 * TLS sockets for BouncyCastle's EST client that connect within a timeout: BouncyCastle's own factory connects
 * without one, so an unreachable CA would hold the renewal thread for the operating system's limit (minutes).
 */
final class BoundedConnect implements SSLSocketFactoryCreator {
  private final KeyManager keyManager;
  private final TrustManager trustManager;
  private final int timeoutMillis;

  BoundedConnect(KeyManager keyManager, TrustManager trustManager, int timeoutMillis) {
    this.keyManager = keyManager;
    this.trustManager = trustManager;
    this.timeoutMillis = timeoutMillis;
  }

  /** Sockets under the project's TLS policy (protocols, suites, algorithms), as every other connection is. */
  @Override
  public SSLSocketFactory createFactory() {
    SSLContext context = TlsPolicy.context(keyManager, trustManager);
    return new Factory(context.getSocketFactory(), TlsPolicy.parameters(context, TlsPolicy.PROTOCOLS),
        timeoutMillis);
  }

  /** The trust manager is ours (the trust core), never a trust-all one. */
  @Override
  public boolean isTrusted() {
    return true;
  }

  private static final class Factory extends SSLSocketFactory {
    private final SSLSocketFactory tls;
    private final SSLParameters parameters;
    private final int timeoutMillis;

    Factory(SSLSocketFactory tls, SSLParameters parameters, int timeoutMillis) {
      this.tls = tls;
      this.parameters = parameters;
      this.timeoutMillis = timeoutMillis;
    }

    @Override
    public Socket createSocket(String host, int port) throws IOException {
      Socket plain = new Socket();
      try {
        plain.connect(new InetSocketAddress(host, port), timeoutMillis);
        SSLSocket socket = (SSLSocket) tls.createSocket(plain, host, port, true);
        socket.setSSLParameters(parameters);
        return socket;
      } catch (IOException | RuntimeException e) {
        plain.close();
        throw e;
      }
    }

    @Override
    public Socket createSocket(Socket socket, String host, int port, boolean autoClose) throws IOException {
      return tls.createSocket(socket, host, port, autoClose);
    }

    @Override
    public Socket createSocket(String host, int port, InetAddress localHost, int localPort) throws IOException {
      throw new IOException("not used by the EST client");
    }

    @Override
    public Socket createSocket(InetAddress host, int port) throws IOException {
      return createSocket(host.getHostAddress(), port);
    }

    @Override
    public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort)
        throws IOException {
      throw new IOException("not used by the EST client");
    }

    @Override
    public String[] getDefaultCipherSuites() {
      return tls.getDefaultCipherSuites();
    }

    @Override
    public String[] getSupportedCipherSuites() {
      return tls.getSupportedCipherSuites();
    }
  }
}
