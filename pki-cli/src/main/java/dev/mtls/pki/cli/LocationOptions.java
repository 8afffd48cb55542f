package dev.mtls.pki.cli;

import dev.mtls.pki.CaDirectory;
import picocli.CommandLine.Option;

/** Publication URLs for one certificate, in place of those the CA directory recorded at init. */
final class LocationOptions {
  @Option(names = "--crl-url", paramLabel = "URL", converter = HttpUrlConverter.class,
      description = "CRL distribution point of this certificate, instead of the CA's (init --crl-url).")
  String crlUrl;

  @Option(names = "--ocsp-url", paramLabel = "URL", converter = HttpUrlConverter.class,
      description = "OCSP responder of this certificate, instead of the CA's (init --ocsp-url).")
  String ocspUrl;

  /** {@code ca}, naming the URLs given here in what it issues next. */
  CaDirectory applyTo(CaDirectory ca) {
    CaDirectory withCrl = crlUrl == null ? ca : ca.withCrlDistributionPoint(crlUrl);
    return ocspUrl == null ? withCrl : withCrl.withOcspResponder(ocspUrl);
  }
}
