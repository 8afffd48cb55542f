package dev.mtls.pki;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** RFC 5280 CRLReason codes (value 7 is unused by the RFC). */
public enum RevocationReason {
  UNSPECIFIED(0),
  KEY_COMPROMISE(1),
  CA_COMPROMISE(2),
  AFFILIATION_CHANGED(3),
  SUPERSEDED(4),
  CESSATION_OF_OPERATION(5),
  CERTIFICATE_HOLD(6),
  PRIVILEGE_WITHDRAWN(9);

  private final int code;

  RevocationReason(int code) {
    this.code = code;
  }

  public int code() {
    return code;
  }

  /** {@code keyCompromise}-style camel case as in RFC 5280, or the enum name. */
  public String cliName() {
    String[] words = name().toLowerCase(Locale.ROOT).split("_");
    StringBuilder out = new StringBuilder(words[0]);
    for (int i = 1; i < words.length; i++) {
      out.append(Character.toUpperCase(words[i].charAt(0))).append(words[i].substring(1));
    }
    return out.toString();
  }

  public static RevocationReason fromCliName(String name) {
    for (RevocationReason reason : values()) {
      if (reason.cliName().equalsIgnoreCase(name) || reason.name().equalsIgnoreCase(name)) {
        return reason;
      }
    }
    throw new IllegalArgumentException("unknown revocation reason '" + name + "'; expected one of "
        + Arrays.stream(values()).map(RevocationReason::cliName).collect(Collectors.joining(", ")));
  }

}
