package dev.mtls.examples.orders;

import dev.mtls.server.MtlsServer;
import dev.mtls.server.MtlsServerBuilder;
import java.nio.file.Path;

/**
 * A service that embeds the mTLS server library: its own routes, its identity and trust from the files
 * cert-manager mounts (reloaded when they change), its own role rules. Run it with the directory holding
 * {@code tls.crt}, {@code tls.key}, {@code ca.crt} and {@code roles.conf}:
 *
 * <pre>
 * java -cp ... dev.mtls.examples.orders.OrdersService /etc/orders-tls
 * </pre>
 *
 * <p>HTTPS on 8443; health, readiness, Prometheus metrics and status on http://127.0.0.1:9090.
 */
public final class OrdersService {
  private OrdersService() {}

  public static void main(String[] args) {
    Path directory = Path.of(args.length > 0 ? args[0] : "tls");
    MtlsServer server = start(MtlsServer.builder().port(8443).managementPort(9090), directory);
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
