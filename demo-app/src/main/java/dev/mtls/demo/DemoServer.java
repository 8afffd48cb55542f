package dev.mtls.demo;

import dev.mtls.pki.DemoPki;
import dev.mtls.server.ConfigException;
import dev.mtls.server.MtlsServer;
import dev.mtls.server.Roles;
import dev.mtls.server.Route;
import dev.mtls.server.app.DemoRoutes;
import dev.mtls.server.app.ServerConfig;
import java.net.URI;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The server exactly as {@code java -jar server-app/target/mtls-server.jar} runs it with the demo's options: requires
 * a client certificate issued by the demo root, asks the OCSP responder and the CRL distribution points the
 * certificates name, staples its own OCSP status, maps OU to roles, authorizes the demo's routes and renews its own
 * certificate from the CA over EST at two thirds of its lifetime. The options are written once, here, for both the
 * server and the command shown.
 */
final class DemoServer implements AutoCloseable {
  private final Map<String, Object> options;
  private final MtlsServer server;

  private DemoServer(Map<String, Object> options, MtlsServer server) {
    this.options = options;
    this.server = server;
  }

  /**
   * Starts it on 127.0.0.1 ({@code port} 0: a free port), renewing from {@code est}, telling {@code events} what it
   * does.
   */
  static DemoServer start(Project project, DemoPki pki, URI est, int port, int managementPort, ServerEvents events) {
    Map<String, Object> options = new LinkedHashMap<>();
    options.put("host", "127.0.0.1");
    options.put("port", port);
    options.put("management-port", managementPort);
    options.put("certificate", pki.credentials("server").chain());
    options.put("key", pki.credentials("server").key());
    options.put("trust", pki.rootCertificate());
    options.put("ocsp", "aia");
    options.put("crl-distribution-points", "on");
    options.put("ocsp-stapling", "on");
    options.put("roles", project.roleRules());
    options.put("routes", project.routeRules());
    options.put("renew-from", est);
    Map<String, String> values = new LinkedHashMap<>();
    options.forEach((key, value) -> values.put(key, value.toString()));
    ServerConfig config = ServerConfig.empty().with(values);

    AtomicReference<MtlsServer> self = new AtomicReference<>();
    MtlsServer server = DemoRoutes.register(config.toBuilder(), () -> self.get().reload())
        .listener(events.listener()).build();
    self.set(server);
    try {
      server.start();
    } catch (ConfigException e) {
      try {
        server.close();
      } catch (RuntimeException alsoFailed) {
        e.addSuppressed(alsoFailed);
      }
      throw new DemoException(e.getMessage() + "; choose others with --port N --management-port M", e);
    }
    return new DemoServer(options, server);
  }

  /** What runs the same server by hand, on the ports it has. */
  Command command(Project project) {
    Map<String, Object> shown = new LinkedHashMap<>(options);
    shown.put("port", server.port());
    shown.put("management-port", server.managementPort());
    Command command = Command.java(project.serverJar());
    shown.forEach((key, value) -> {
      command.add("--" + key);
      if (value instanceof Path path) {
        command.add(path);
      } else {
        command.add(value.toString());
      }
    });
    return command;
  }

  int port() {
    return server.port();
  }

  int managementPort() {
    return server.managementPort();
  }

  /** {@code https://localhost:PORT/path}: the name the server's certificate has. */
  URI url(String path) {
    return URI.create("https://localhost:" + server.port() + path);
  }

  /** The roles the route named {@code route} ({@code GET /api/reports}) needs, as the server has them now. */
  Optional<Roles> roles(String route) {
    return server.routes().stream().filter(r -> r.name().equals(route)).map(Route::roles).findFirst();
  }

  @Override
  public void close() {
    server.close();
  }
}
