package dev.mtls.examples.orders;

import dev.mtls.server.MtlsServer;
import dev.mtls.server.MtlsServerBuilder;
import java.nio.file.Path;

/**
 * A service that embeds the mTLS server library: its own routes, its identity and trust from the files
 * cert-manager mounts (reloaded when they change), its own role rules. Run it with the directory holding
 * {@code tls.crt}, {@code tls.key}, {@code ca.crt} and {@code roles.conf}; it serves until stopped (Ctrl-C,
 * SIGTERM):
 *
 * <pre>
 * java -jar examples/orders-service/target/orders-service.jar /etc/orders-tls
 * </pre>
 *
 * <p>HTTPS on 8443; health, readiness, Prometheus metrics and status on http://127.0.0.1:9090. With {@code --try}
 * instead of a directory it runs {@link OrdersTryout}: the service on throwaway material, called by three clients.
 */
public final class OrdersService {
  private OrdersService() {}

  public static void main(String[] args) {
    if (args.length == 1 && args[0].equals("--try")) {
      Path directory = OrdersTryout.besideTheBuild();
      OrdersTryout.logTo(directory.resolve(OrdersTryout.LOG));
      System.exit(OrdersTryout.run(directory, System.out));
    }
    if (args.length != 1 || args[0].startsWith("-")) {
      System.err.println("usage: java -jar orders-service.jar DIRECTORY   serve with tls.crt, tls.key, ca.crt and"
          + " roles.conf from DIRECTORY until stopped");
      System.err.println("       java -jar orders-service.jar --try       a short scenario on throwaway material");
      System.exit(2);
    }
    MtlsServer server = start(MtlsServer.builder().port(8443).managementPort(9090), Path.of(args[0]));
    Runtime.getRuntime().addShutdownHook(new Thread(server::close, "orders-shutdown"));
  }

  /** Starts the service with the material in {@code directory}, on the ports {@code builder} says. */
  public static MtlsServer start(MtlsServerBuilder builder, Path directory) {
    builder.identityPem(directory.resolve("tls.crt"), directory.resolve("tls.key"), null)
        .trustPem(directory.resolve("ca.crt"))
        .roleRulesFile(directory.resolve("roles.conf"));
    return routes(builder).build().start();
  }

  /** The service's routes on {@code builder}, with a fresh order book. */
  public static MtlsServerBuilder routes(MtlsServerBuilder builder) {
    return new OrdersRoutes(new Orders()).register(builder);
  }
}
