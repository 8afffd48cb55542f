package dev.mtls.testing.peers;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The JDK's own tools and launcher, of the JDK running the tests: always there, so never a {@link Peer}. */
public final class Jdk {
  private Jdk() {}

  /**
   * What the client's diagnosis adds when we end a handshake with {@code alert}: JDK 23 and later name the alert
   * we sent in the exception, older ones do not (then the diagnosis cannot say it, and this is empty).
   */
  public static String sentAlertSentence(String alert) {
    return Runtime.version().feature() >= 23 ? " We sent the server the alert " + alert + "." : "";
  }

  /** {@code bin/NAME} of the running JDK. */
  public static Path tool(String name) {
    return Path.of(System.getProperty("java.home"), "bin", name);
  }

  /** The {@code java} launcher, so that process tests use the JDK the tests run on. */
  public static Path java() {
    return tool("java");
  }

  /** Runs {@code keytool} in {@code directory}, for at most 30 seconds. */
  public static ExternalProcess.Result keytool(Path directory, String... arguments) {
    List<String> command = new ArrayList<>();
    command.add(tool("keytool").toString());
    command.addAll(List.of(arguments));
    return ExternalProcess.run(command, Map.of(), null, directory, Duration.ofSeconds(30));
  }
}
