package dev.mtls.pki.cli;

import java.math.BigInteger;

final class Serials {
  private Serials() {}

  /** Hex, with or without colons or a 0x prefix, as printed by openssl and by 'list'. */
  static BigInteger parse(String text) {
    String hex = text.replace(":", "").replaceFirst("^0[xX]", "");
    if (!hex.matches("[0-9a-fA-F]+")) {
      throw new IllegalArgumentException("serial must be hexadecimal (as 'list' prints it), got '" + text + "'");
    }
    return new BigInteger(hex, 16);
  }
}
