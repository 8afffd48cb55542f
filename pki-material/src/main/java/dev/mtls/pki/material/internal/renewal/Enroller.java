package dev.mtls.pki.material.internal.renewal;

import dev.mtls.pki.material.Identity;
import java.security.cert.X509Certificate;
import java.util.List;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;

/** The exchange with the CA, kept behind this seam so that the engine is tested without a network. */
public interface Enroller {
  /**
   * Asks the CA to re-enrol {@code csr}, authenticated by {@code current}; the certificates the CA answered with
   * (the new one among them). Throws with a typed reason when the CA cannot be reached or refuses.
   */
  List<X509Certificate> reenroll(PKCS10CertificationRequest csr, Identity current) throws EnrolmentException;
}
