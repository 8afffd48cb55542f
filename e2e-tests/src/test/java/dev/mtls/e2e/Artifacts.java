package dev.mtls.e2e;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Where the other modules' build outputs are, relative to this module's basedir (the system property
 * {@code e2e.basedir}, set by surefire; the working directory otherwise). The jars exist after the server and client
 * modules have been packaged, as they are in a full {@code ./mvnw verify}.
 */
public final class Artifacts {
  private Artifacts() {}

  /** This module's directory. */
  public static Path basedir() {
    return Path.of(System.getProperty("e2e.basedir", System.getProperty("user.dir"))).toAbsolutePath().normalize();
  }

  /** {@code server-app/target/mtls-server.jar}; fails with what to run when it is missing. */
  public static Path serverJar() {
    return existing(basedir().resolve("../server-app/target/mtls-server.jar").normalize(), "server-app");
  }

  /** {@code client-cli/target/mtls-client.jar}; fails with what to run when it is missing. */
  public static Path clientJar() {
    return existing(basedir().resolve("../client-cli/target/mtls-client.jar").normalize(), "client-cli");
  }

  /**
   * The optional crypto provider jar the server-app build copies beside the server jar
   * ({@code server-app/target/optional/AmazonCorrettoCryptoProvider-linux-x86_64.jar}).
   */
  public static Path accpJar() {
    return existing(basedir().resolve("../server-app/target/optional/AmazonCorrettoCryptoProvider-linux-x86_64.jar")
        .normalize(), "server-app");
  }

  /** A file of {@code server-app/examples} (roles.conf, routes.conf, server.conf). */
  public static Path serverExample(String name) {
    Path file = basedir().resolve("../server-app/examples").resolve(name).normalize();
    if (!Files.isRegularFile(file)) {
      throw new IllegalStateException("the server example " + file + " does not exist");
    }
    return file;
  }

  /** The java launcher of the JVM running the tests, so process tests use the same JDK. */
  public static Path java() {
    return Path.of(System.getProperty("java.home"), "bin", "java");
  }

  /**
   * The command that runs {@code jar} as a one-shot process (a CLI call): the JDK running the tests, with only the
   * C1 compiler and the serial collector, which start such a process about twice as fast. Not for the server.
   */
  public static List<String> runOnce(Path jar) {
    return List.of(java().toString(), "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-jar", jar.toString());
  }

  private static Path existing(Path jar, String module) {
    if (!Files.isRegularFile(jar)) {
      throw new IllegalStateException(jar + " does not exist: build the " + module + " module first (./mvnw verify"
          + " from the project root builds it before e2e-tests, or ./mvnw -pl " + module + " package)");
    }
    return jar;
  }
}
