package dev.mtls.pki.material;

import java.security.Provider;
import org.bouncycastle.jce.provider.BouncyCastleProvider;

/**
 * BouncyCastle as a provider instance, handed to the BC builders that need ciphers the JDK names
 * differently (AES/CBC/PKCS7Padding). Never installed globally: JSSE keeps using the JDK's own providers.
 */
public final class Providers {
  public static final Provider BOUNCY_CASTLE = new BouncyCastleProvider();

  private Providers() {}
}
