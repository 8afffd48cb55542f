package dev.mtls.pki;

import dev.mtls.pki.material.SubjectAltName;
import java.time.Instant;
import java.util.List;
import javax.security.auth.x500.X500Principal;

/**
 * A one-time enrolment token as {@link CaDirectory#createEnrolmentToken} made it: the id and the secret an EST client
 * sends to {@code simpleenroll} as HTTP Basic credentials (user = id, password = secret), for exactly this subject,
 * these names and profile, until {@code expires}. The secret exists only here: the CA keeps its SHA-256 hash.
 */
public record EnrolmentToken(String id, String secret, Profile profile, X500Principal subject,
    List<SubjectAltName> names, Instant expires) {
  public EnrolmentToken {
    names = List.copyOf(names);
  }

  @Override
  public String toString() {
    // The secret never ends up in a log line by accident.
    return "EnrolmentToken[id=" + id + ", subject=" + subject.getName() + ", expires=" + expires + "]";
  }
}
