package dev.mtls.client;

import dev.mtls.client.internal.diagnosis.Failures;
import dev.mtls.client.internal.diagnosis.Situation;
import dev.mtls.pki.material.KeyMaterialException;

/**
 * Explains failures that happen outside a request, in the words a failed request's {@link Diagnosis} uses. A
 * request's own failure comes explained already ({@link MtlsException#getDiagnosis()}), and one made through
 * {@link MtlsClient#httpClient()} is explained by {@link MtlsClient#explain}.
 */
public final class FailureExplainer {
  private FailureExplainer() {}

  /**
   * Explains a failure that happened without a connection, such as loading key material
   * ({@link KeyMaterialException}) or a connection-level exception when nothing else is known.
   */
  public static Diagnosis explain(Throwable failure) {
    return Failures.explain(failure, Situation.none());
  }
}
