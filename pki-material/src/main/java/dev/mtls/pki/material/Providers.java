package dev.mtls.pki.material;

import java.security.Provider;
import org.bouncycastle.jce.provider.BouncyCastleProvider;

/**
 * BouncyCastle as a provider instance, handed to the BC builders that need ciphers the JDK names
 * differently (AES/CBC/PKCS7Padding). Never installed globally: JSSE keeps using the JDK's own providers.
 */
public final class Providers {
  private Providers() {}

  /**
   * The BouncyCastle provider, made when first needed: building it loads some 400 classes (every algorithm it has),
   * a fifth of a second that a server with an unencrypted key never needs to spend at start-up.
   */
  public static Provider bouncyCastle() {
    return Holder.BOUNCY_CASTLE;
  }

  private static final class Holder {
    static final Provider BOUNCY_CASTLE = new BouncyCastleProvider();
  }
}
