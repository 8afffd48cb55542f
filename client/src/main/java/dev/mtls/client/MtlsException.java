package dev.mtls.client;

import java.io.IOException;

/** A request failed; {@link #getDiagnosis()} says in plain words what most likely happened. */
public final class MtlsException extends IOException {
  private static final long serialVersionUID = 1L;
  private final transient Diagnosis diagnosis;

  public MtlsException(Diagnosis diagnosis, Throwable cause) {
    super(diagnosis.sentence(), cause);
    this.diagnosis = diagnosis;
  }

  public Diagnosis getDiagnosis() {
    return diagnosis;
  }
}
