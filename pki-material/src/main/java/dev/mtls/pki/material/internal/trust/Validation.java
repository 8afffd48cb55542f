package dev.mtls.pki.material.internal.trust;

import dev.mtls.pki.material.trust.CrlSet;
import java.security.cert.X509Certificate;
import java.util.List;

/**
 * One validation of a path with a set of CRLs: a refusal, or the anchor the path ends at, the CRLs selected for
 * each certificate (index 0 = leaf; none when revocation was not checked), and the certificates whose status no
 * CRL decided, the one closest to the anchor first.
 */
public record Validation(Refusal refusal, X509Certificate anchor, CrlSet crls, List<CrlSelector.Selection> selections,
    List<Integer> open) {

  static Validation refused(Refusal refusal) {
    return new Validation(refusal, null, CrlSet.NONE, List.of(), List.of());
  }

  public boolean isRefused() {
    return refusal != null;
  }
}
