package dev.mtls.examples.rotation;

import dev.mtls.client.ClientListener;
import dev.mtls.client.MtlsClient;
import dev.mtls.client.MtlsException;
import dev.mtls.client.MtlsResponse;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;

/**
 * A client whose certificate is renewed under it, as cert-manager renews the secret it mounts: the client reads
 * {@code tls.crt}, {@code tls.key} and {@code ca.crt} from a directory, checks them every ten seconds and puts a
 * renewed certificate into service without a restart. New connections present it; pooled connections made with
 * the old one finish their request and close. A renewal that is broken (key and certificate do not match, expired,
 * half written) is refused and the certificate in service stays. Run it with that directory and a URL; it asks once
 * a second until stopped (Ctrl-C, SIGTERM):
 *
 * <pre>
 * java -jar examples/rotating-client/target/rotating-client.jar /etc/orders-client https://orders:8443/api/orders
 * </pre>
 *
 * <p>With {@code --try} instead it runs {@link RotationTryout}: a renewal under load against a local server.
 */
public final class RotatingClient {
  static final Duration RELOAD_INTERVAL = Duration.ofSeconds(10);

  private RotatingClient() {}

  public static void main(String[] args) throws InterruptedException {
    if (args.length == 1 && args[0].equals("--try")) {
      Path directory = RotationTryout.besideTheBuild();
      RotationTryout.logTo(directory.resolve(RotationTryout.LOG));
      System.exit(RotationTryout.run(directory, System.out));
    }
    if (args.length != 2 || args[0].startsWith("-")) {
      System.err.println("usage: java -jar rotating-client.jar DIRECTORY URL   GET the URL once a second with"
          + " tls.crt, tls.key and ca.crt from DIRECTORY until stopped");
      System.err.println("       java -jar rotating-client.jar --try           a renewal under load, on throwaway"
          + " material");
      System.exit(2);
    }
    try (MtlsClient client = connect(Path.of(args[0]), RELOAD_INTERVAL, new ClientListener() {})) {
      URI target = URI.create(args[1]);
      while (!Thread.currentThread().isInterrupted()) {
        try {
          MtlsResponse response = client.get(target);
          System.out.println(response.status() + " as serial "
              + client.certificate().map(c -> c.getSerialNumber().toString(16)).orElse("-"));
        } catch (MtlsException e) {
          System.err.println(e.getDiagnosis().render());
        }
        Thread.sleep(1000);
      }
    }
  }

  /** The client for the material in {@code directory}, checked for renewal every {@code reloadInterval}. */
  public static MtlsClient connect(Path directory, Duration reloadInterval, ClientListener listener) {
    return MtlsClient.builder()
        .identityPem(directory.resolve("tls.crt"), directory.resolve("tls.key"), null)
        .trustPem(directory.resolve("ca.crt"))
        .reloadInterval(reloadInterval)
        .listener(listener)
        .build();
  }
}
