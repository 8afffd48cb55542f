package dev.mtls.pki.material.trust;

/** What a certificate is being trusted for: the extended key usage its leaf must allow. */
public enum Purpose {
  /** TLS client authentication (EKU clientAuth): the server's view of a client. */
  CLIENT("1.3.6.1.5.5.7.3.2", "clientAuth"),
  /** TLS server authentication (EKU serverAuth): the client's view of a server. */
  SERVER("1.3.6.1.5.5.7.3.1", "serverAuth"),
  /** The path only, without a usage (e.g. {@code pki verify --purpose any}). */
  ANY(null, null);

  private final String extendedKeyUsage;
  private final String usageName;

  Purpose(String extendedKeyUsage, String usageName) {
    this.extendedKeyUsage = extendedKeyUsage;
    this.usageName = usageName;
  }

  /** The EKU OID the leaf must carry (when it has an EKU extension at all); null for {@link #ANY}. */
  public String extendedKeyUsage() {
    return extendedKeyUsage;
  }

  /** clientAuth, serverAuth, or null. */
  public String usageName() {
    return usageName;
  }
}
