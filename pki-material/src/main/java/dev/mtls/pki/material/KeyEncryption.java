package dev.mtls.pki.material;

/**
 * How much work a password costs to turn into a key, when we encrypt a private key: PBKDF2-HMAC-SHA256 iterations
 * for encrypted PKCS#8 PEM and for PKCS#12. Reading takes the count from the file, so this only matters when writing.
 *
 * @param pemIterations    for encrypted PKCS#8 PEM keys (the CA's keys, {@code --encrypt-key} outputs)
 * @param pkcs12Iterations for PKCS#12 key bags and MAC ({@code .p12} files, which browsers and keytool also read)
 */
public record KeyEncryption(int pemIterations, int pkcs12Iterations) {
  /** OWASP's 2023 figure for PBKDF2-HMAC-SHA256 for PEM keys; for PKCS#12, what OpenSSL 3 and browsers read quickly. */
  public static final KeyEncryption STANDARD = new KeyEncryption(600_000, 100_000);
  /** The least accepted: below this a stolen file gives up its password to a laptop in minutes. */
  public static final int MINIMUM_ITERATIONS = 1_000;

  public KeyEncryption {
    if (pemIterations < MINIMUM_ITERATIONS || pkcs12Iterations < MINIMUM_ITERATIONS) {
      throw new IllegalArgumentException("PBKDF2 iterations must be at least " + MINIMUM_ITERATIONS + ": "
          + pemIterations + ", " + pkcs12Iterations);
    }
  }

  /**
   * The cheapest accepted cost, for tests whose keys are thrown away: the same formats, a thousandth of the work,
   * so a test suite does not spend minutes in PBKDF2.
   */
  public static KeyEncryption forTests() {
    return new KeyEncryption(MINIMUM_ITERATIONS, MINIMUM_ITERATIONS);
  }
}
