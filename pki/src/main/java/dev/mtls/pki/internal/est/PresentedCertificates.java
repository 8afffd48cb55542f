package dev.mtls.pki.internal.est;

import java.net.Socket;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * The EST listener's TLS trust manager: it lets every client certificate through the handshake, which still proves
 * that the client holds its key (CertificateVerify), and names no acceptable issuers, so that a client presents what
 * it has. The decision is not made here but per request, by the EST service through the trust core, so that a
 * refused certificate gets an HTTP answer with its reason rather than a bare TLS alert. A listener with this trust
 * manager must not treat a connection's certificate as trusted by itself.
 */
public final class PresentedCertificates extends X509ExtendedTrustManager {
  public static final PresentedCertificates INSTANCE = new PresentedCertificates();

  private PresentedCertificates() {}

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType) {}

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) {}

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {}

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
    throw new CertificateException("a server-side trust manager judges no servers");
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
    throw new CertificateException("a server-side trust manager judges no servers");
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
    throw new CertificateException("a server-side trust manager judges no servers");
  }

  @Override
  public X509Certificate[] getAcceptedIssuers() {
    return new X509Certificate[0];
  }
}
