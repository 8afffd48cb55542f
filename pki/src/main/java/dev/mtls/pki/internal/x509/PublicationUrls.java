package dev.mtls.pki.internal.x509;

/**
 * Where the certificates a CA issues say their revocation status is published: the CRL distribution point and the
 * OCSP responder of their Authority Information Access. Either may be null: not named.
 */
public record PublicationUrls(String crlUrl, String ocspUrl) {
  public static final PublicationUrls NONE = new PublicationUrls(null, null);

  public PublicationUrls withCrlUrl(String url) {
    return new PublicationUrls(url, ocspUrl);
  }

  public PublicationUrls withOcspUrl(String url) {
    return new PublicationUrls(crlUrl, url);
  }
}
