package dev.mtls.pki.material.internal.renewal;

import dev.mtls.pki.material.Identity;
import dev.mtls.pki.material.SafeText;
import dev.mtls.pki.material.renewal.RenewalFailure;
import dev.mtls.pki.material.trust.PeerTrustManager;
import dev.mtls.pki.material.trust.Trust;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.est.ESTException;
import org.bouncycastle.est.ESTService;
import org.bouncycastle.est.EnrollmentResponse;
import org.bouncycastle.est.jcajce.JsseDefaultHostnameAuthorizer;
import org.bouncycastle.est.jcajce.JsseESTServiceBuilder;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;

/**
 * RFC 7030 {@code simplereenroll} through BouncyCastle's EST client, over mutual TLS with the current identity: the
 * EST server is judged by the side's own trust core ({@link PeerTrustManager}) and must be named by the URI's host
 * (BouncyCastle's RFC 6125 hostname check). The answer is read up to a bound, within a timeout.
 */
public final class EstEnroller implements Enroller {
  private static final String WELL_KNOWN = "/.well-known/est";
  private static final long READ_LIMIT = 256 * 1024;
  private static final int ERROR_BODY_LIMIT = 512;

  private final URI base;
  private final String server;
  private final String label;
  private final Supplier<Trust> trust;
  private final Clock clock;
  private final Duration timeout;

  public EstEnroller(URI base, Supplier<Trust> trust, Clock clock, Duration timeout) {
    this.base = base;
    this.server = base.getHost() + ":" + (base.getPort() < 0 ? 443 : base.getPort());
    this.label = labelOf(base);
    this.trust = trust;
    this.clock = clock;
    this.timeout = timeout;
  }

  /**
   * Checks that {@code base} is an EST base URI: https, a host, and a path that is empty, {@code /.well-known/est}
   * or {@code /.well-known/est/LABEL}. Throws IllegalArgumentException saying what is wrong.
   */
  public static URI check(URI base) {
    if (!"https".equalsIgnoreCase(base.getScheme()) || base.getHost() == null) {
      throw new IllegalArgumentException(base + ": an EST server is an https URL with a host, e.g."
          + " https://ca.example:8444");
    }
    if (base.getRawQuery() != null || base.getRawFragment() != null || base.getRawUserInfo() != null) {
      throw new IllegalArgumentException(base + ": an EST base URL has no user, query or fragment");
    }
    labelOf(base);
    return base;
  }

  private static String labelOf(URI base) {
    String path = base.getPath() == null ? "" : base.getPath().replaceAll("/+$", "");
    if (path.isEmpty() || path.equals(WELL_KNOWN)) {
      return null;
    }
    if (path.startsWith(WELL_KNOWN + "/") && path.indexOf('/', WELL_KNOWN.length() + 1) < 0) {
      return path.substring(WELL_KNOWN.length() + 1);
    }
    throw new IllegalArgumentException(base + ": the path of an EST base URL is empty, " + WELL_KNOWN + " or "
        + WELL_KNOWN + "/LABEL (RFC 7030 3.2.2), not " + path);
  }

  @Override
  public List<X509Certificate> reenroll(PKCS10CertificationRequest csr, Identity current)
      throws EnrolmentException {
    int millis = (int) Math.min(Integer.MAX_VALUE, timeout.toMillis());
    // The trust core judges the chain; BouncyCastle's authorizer below matches the host (it does not ask JSSE to).
    JsseESTServiceBuilder builder = new JsseESTServiceBuilder(server, new BoundedConnect(current.keyManager(),
        PeerTrustManager.forServers(trust, clock, (host, certificate) -> { }), millis))
        .withHostNameAuthorizer(new JsseDefaultHostnameAuthorizer(null))
        .withTimeout(millis)
        .withReadLimit(READ_LIMIT);
    if (label != null) {
      builder.withLabel(label);
    }
    ESTService service = builder.build();
    EnrollmentResponse response;
    try {
      response = service.simpleEnroll(true, csr, null);
    } catch (ESTException e) {
      throw refusal(e);
    } catch (IOException | RuntimeException e) {
      throw new EnrolmentException(RenewalFailure.UNAVAILABLE, "cannot reach the EST server " + base + ": "
          + SafeText.escape(String.valueOf(e.getMessage())), e);
    }
    if (!response.isCompleted()) {
      throw new EnrolmentException(RenewalFailure.UNAVAILABLE, "the EST server " + base + " accepted the request"
          + " but has not issued the certificate yet (HTTP 202); asking again later");
    }
    List<X509Certificate> certificates = new ArrayList<>();
    JcaX509CertificateConverter converter = new JcaX509CertificateConverter();
    try {
      for (X509CertificateHolder holder : response.getStore().getMatches(null)) {
        certificates.add(converter.getCertificate(holder));
      }
    } catch (CertificateException e) {
      throw new EnrolmentException(RenewalFailure.BAD_ANSWER, "the EST server " + base + " answered a certificate"
          + " that cannot be read: " + e.getMessage(), e);
    }
    return certificates;
  }

  private EnrolmentException refusal(ESTException e) {
    int status = e.getStatusCode();
    String body = body(e);
    // BouncyCastle appends " HTTP Status Code: N" to every message; the status is said once, below.
    String message = String.valueOf(e.getMessage()).replaceFirst(" HTTP Status Code: -?\\d+$", "");
    String said = SafeText.escape(message) + (body.isEmpty() ? "" : ": " + body);
    if (status >= 400 && status < 500) {
      return new EnrolmentException(RenewalFailure.REFUSED, "the EST server " + base + " refused the renewal (HTTP "
          + status + "): " + said, e);
    }
    if (status <= 0) {
      return new EnrolmentException(RenewalFailure.UNAVAILABLE, "cannot reach the EST server " + base + ": " + said,
          e);
    }
    return new EnrolmentException(RenewalFailure.UNAVAILABLE, "the EST server " + base + " did not renew (HTTP "
        + status + "): " + said, e);
  }

  /** The first bytes of an error answer, which our CA fills with the reason: escaped, bounded. */
  private static String body(ESTException e) {
    try (InputStream in = e.getBody()) {
      if (in == null) {
        return "";
      }
      String text = new String(in.readNBytes(ERROR_BODY_LIMIT), StandardCharsets.UTF_8).strip();
      return SafeText.escape(text.toLowerCase(Locale.ROOT).startsWith("<") ? "" : text);
    } catch (IOException | RuntimeException ignored) {
      return "";
    }
  }
}
