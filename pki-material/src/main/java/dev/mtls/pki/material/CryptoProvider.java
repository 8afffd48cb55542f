package dev.mtls.pki.material;

import dev.mtls.pki.material.settings.Setting;
import dev.mtls.pki.material.settings.ValueType;
import java.lang.management.ManagementFactory;
import java.lang.reflect.InvocationTargetException;
import java.security.Provider;
import java.security.Security;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Which JCA provider does the arithmetic of a handshake (ECDSA, ECDH, AES-GCM, HMAC, SHA-2): the JDK's own
 * ({@link #JDK}, the default) or Amazon Corretto Crypto Provider ({@link #ACCP}, AWS-LC compiled for the machine),
 * which the benchmark measured at 1.3x (JDK 25) to 1.8x (JDK 17) the full handshakes per second. ACCP is optional:
 * it is never a dependency of a library module, and its jar ({@code AmazonCorrettoCryptoProvider-*-linux-x86_64.jar})
 * must be put on the class path by whoever chooses it. The TLS policy does not change with the provider: the same
 * versions, suites, groups and signature schemes, only computed faster.
 */
public enum CryptoProvider {
  JDK,
  ACCP;

  /** The setting that chooses it, for the server's configuration and both command lines. */
  public static final Setting<CryptoProvider> SETTING = Setting.of("crypto-provider", ValueType.choice(
      CryptoProvider.class), JDK, "jdk, or accp: Amazon Corretto Crypto Provider computes ECDSA, ECDH, AES-GCM, HMAC"
          + " and SHA-2 (the same TLS policy); its jar must be on the class path");

  private static final String ACCP_CLASS = "com.amazon.corretto.crypto.provider.AmazonCorrettoCryptoProvider";

  /** {@code jdk} or {@code accp}, case-insensitive. */
  public static CryptoProvider parse(String text) {
    return switch (text.strip().toLowerCase(Locale.ROOT)) {
      case "jdk" -> JDK;
      case "accp" -> ACCP;
      default -> throw new IllegalArgumentException("expected jdk or accp, not '" + SafeText.escape(text) + "'");
    };
  }

  /**
   * Makes this provider the JVM's first (for the whole process: JCA providers are global) and returns its name and
   * version. {@link #JDK} changes nothing. Fails with what to do when ACCP's jar is not on the class path or its
   * native library does not load on this machine.
   */
  public String install() {
    if (this == JDK) {
      Provider first = Security.getProviders()[0];
      return first.getName() + " " + first.getVersionStr();
    }
    crashingCombination(Runtime.version().feature(), ManagementFactory.getRuntimeMXBean().getInputArguments())
        .ifPresent(problem -> {
          throw new KeyMaterialException(problem);
        });
    try {
      Class<?> type = Class.forName(ACCP_CLASS);
      type.getMethod("install").invoke(null);
      Object instance = type.getField("INSTANCE").get(null);
      type.getMethod("assertHealthy").invoke(instance);
      Provider provider = (Provider) instance;
      return provider.getName() + " " + provider.getVersionStr();
    } catch (ClassNotFoundException e) {
      throw new KeyMaterialException("the crypto provider accp needs Amazon Corretto Crypto Provider on the class"
          + " path: run java -cp <this jar>:AmazonCorrettoCryptoProvider-<version>-linux-x86_64.jar <main class>"
          + " (see docs/performance.md), or choose the jdk provider");
    } catch (InvocationTargetException e) {
      Security.removeProvider("AmazonCorrettoCryptoProvider");
      throw new KeyMaterialException("Amazon Corretto Crypto Provider does not work on this machine ("
          + SafeText.escape(String.valueOf(e.getCause())) + "); choose the jdk provider", e.getCause());
    } catch (ReflectiveOperationException | ClassCastException e) {
      throw new KeyMaterialException("this version of Amazon Corretto Crypto Provider is not one this project can"
          + " install (" + SafeText.escape(e.toString()) + "); choose the jdk provider", e);
    }
  }

  /**
   * ACCP in an AppCDS training run (a JVM that dumps a class archive when it exits) crashes JDK 17 in the dump
   * (SIGSEGV in SystemDictionaryShared); JDK 25 is known to work, the releases between were not tried. So ACCP is
   * refused there, before anything runs, with what to do instead.
   */
  static Optional<String> crashingCombination(int jdkFeature, List<String> jvmArguments) {
    if (jdkFeature >= 25) {
      return Optional.empty();
    }
    return jvmArguments.stream()
        .filter(argument -> argument.startsWith("-XX:ArchiveClassesAtExit") || argument.equals("-Xshare:dump")
            || argument.equals("-XX:+AutoCreateSharedArchive"))
        .findFirst()
        .map(argument -> "the crypto provider accp cannot be used in an AppCDS training run (" + argument + ") on"
            + " JDK " + jdkFeature + ": the JVM crashes while it writes the archive; train the archive with the jdk"
            + " provider, or use JDK 25");
  }
}
