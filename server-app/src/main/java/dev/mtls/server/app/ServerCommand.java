package dev.mtls.server.app;

import dev.mtls.pki.material.CryptoProvider;
import dev.mtls.pki.material.KeyMaterialException;
import dev.mtls.pki.material.SafeText;
import dev.mtls.server.ConfigException;
import dev.mtls.server.MtlsServer;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine;

/**
 * {@code java -jar mtls-server.jar --config server.conf [--key value ...]}: runs the server until SIGTERM or Ctrl-C,
 * then shuts down gracefully. A start-up problem is one line on stderr and exit status 2.
 */
@Command(name = "mtls-server", mixinStandardHelpOptions = true, version = "mtls-server 0.1.0",
    sortOptions = false,
    description = {
        "An HTTPS server that requires client certificates, maps them to roles and authorizes routes.",
        "Every option can also be a 'key = value' line in the --config file; the command line wins.",
        "Passwords are read from files, environment variables or the terminal, never from arguments."},
    footer = {"", "Example:",
        "  java -jar mtls-server.jar --config examples/server.conf --port 8443",
        "Exit status: 2 when the server cannot start (the reason is on stderr); after SIGTERM or Ctrl-C it shuts",
        "down gracefully and the JVM exits with the signal's usual status (143 or 130)."})
public final class ServerCommand implements Callable<Integer> {
  @Option(names = "--config", paramLabel = "FILE", description = "configuration file (key = value lines)")
  Path config;

  @Option(names = "--host", paramLabel = "ADDRESS") String host;
  @Option(names = "--port", paramLabel = "PORT") String port;
  @Option(names = "--management-host", paramLabel = "ADDRESS") String managementHost;
  @Option(names = "--management-port", paramLabel = "PORT") String managementPort;
  @Option(names = "--certificate", paramLabel = "PEM") String certificate;
  @Option(names = "--key", paramLabel = "PEM") String key;
  @Option(names = "--key-password-file", paramLabel = "FILE") String keyPasswordFile;
  @Option(names = "--key-password-env", paramLabel = "VARIABLE") String keyPasswordEnv;
  @Option(names = "--keystore", paramLabel = "P12") String keystore;
  @Option(names = "--keystore-alias", paramLabel = "ALIAS") String keystoreAlias;
  @Option(names = "--keystore-password-file", paramLabel = "FILE") String keystorePasswordFile;
  @Option(names = "--keystore-password-env", paramLabel = "VARIABLE") String keystorePasswordEnv;
  @Option(names = "--trust", paramLabel = "PEM") String trust;
  @Option(names = "--truststore", paramLabel = "P12") String truststore;
  @Option(names = "--truststore-password-file", paramLabel = "FILE") String truststorePasswordFile;
  @Option(names = "--truststore-password-env", paramLabel = "VARIABLE") String truststorePasswordEnv;
  @Option(names = "--crl", paramLabel = "PEM", split = ",") List<String> crl;
  @Option(names = "--missing-crl", paramLabel = "refuse|accept") String missingCrl;
  @Option(names = "--ocsp", paramLabel = "off|aia|URL") String ocsp;
  @Option(names = "--crl-distribution-points", paramLabel = "off|on") String crlDistributionPoints;
  @Option(names = "--crl-url", paramLabel = "URL", split = ",") List<String> crlUrl;
  @Option(names = "--revocation-unavailable", paramLabel = "hard-fail|soft-fail") String revocationUnavailable;
  @Option(names = "--revocation-timeout", paramLabel = "DURATION") String revocationTimeout;
  @Option(names = "--revocation-max-age", paramLabel = "DURATION") String revocationMaxAge;
  @Option(names = "--ocsp-stapling", paramLabel = "off|on") String ocspStapling;
  @Option(names = "--proxy-protocol-from", paramLabel = "ADDRESSES") String proxyProtocolFrom;
  @Option(names = "--trusted-proxy-roles", paramLabel = "ROLES") String trustedProxyRoles;
  @Option(names = "--trusted-proxy-intermediates", paramLabel = "PEM") String trustedProxyIntermediates;
  @Option(names = "--roles", paramLabel = "FILE") String roles;
  @Option(names = "--routes", paramLabel = "FILE") String routes;
  @Option(names = "--client-auth", paramLabel = "required|requested") String clientAuth;
  @Option(names = "--protocols", paramLabel = "LIST") String protocols;
  @Option(names = "--max-connection-lifetime", paramLabel = "DURATION") String maxConnectionLifetime;
  @Option(names = "--reload-interval", paramLabel = "DURATION") String reloadInterval;
  @Option(names = "--handshake-timeout", paramLabel = "DURATION") String handshakeTimeout;
  @Option(names = "--request-header-timeout", paramLabel = "DURATION") String requestHeaderTimeout;
  @Option(names = "--idle-timeout", paramLabel = "DURATION") String idleTimeout;
  @Option(names = "--max-connections", paramLabel = "N") String maxConnections;
  @Option(names = "--max-connections-per-address", paramLabel = "N") String maxConnectionsPerAddress;
  @Option(names = "--max-header-size", paramLabel = "SIZE") String maxHeaderSize;
  @Option(names = "--max-headers", paramLabel = "N") String maxHeaders;
  @Option(names = "--max-request-body", paramLabel = "SIZE") String maxRequestBody;
  @Option(names = "--access-log-format", paramLabel = "text|json") String accessLogFormat;
  @Option(names = "--crypto-provider", paramLabel = "jdk|accp") String cryptoProvider;

  private final CountDownLatch stopped = new CountDownLatch(1);

  public static void main(String[] args) {
    System.exit(execute(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
  }

  /** Runs the command; returns the exit status instead of exiting (for tests). */
  public static int execute(String[] args, PrintWriter out, PrintWriter err) {
    // Undertow and XNIO log through jboss-logging; send that to SLF4J (and so to logback) explicitly.
    System.setProperty("org.jboss.logging.provider", System.getProperty("org.jboss.logging.provider", "slf4j"));
    CommandLine commandLine = new CommandLine(new ServerCommand());
    commandLine.setOut(out);
    commandLine.setErr(err);
    commandLine.setUsageHelpLongOptionsMaxWidth(32);
    // Option descriptions come from ServerConfig.KEYS, so the file keys and the options are described once.
    commandLine.setResourceBundle(new java.util.ListResourceBundle() {
      @Override
      protected Object[][] getContents() {
        return ServerConfig.KEYS.entrySet().stream()
            .map(entry -> new Object[] {entry.getKey(), entry.getValue()}).toArray(Object[][]::new);
      }
    });
    commandLine.setExecutionExceptionHandler((e, line, parsed) -> {
      if (e instanceof ConfigException || e instanceof KeyMaterialException || e instanceof IllegalArgumentException
          || e instanceof IllegalStateException) {
        err.println("mtls-server: " + SafeText.escape(e.getMessage()));
        return 2;
      }
      throw e;
    });
    return commandLine.execute(args);
  }

  @Override
  public Integer call() throws InterruptedException {
    ServerConfig configuration = (config == null ? ServerConfig.empty() : ServerConfig.load(config))
        .with(overrides());
    // Before any key, context or engine exists: they take their implementations from the providers in place.
    String provider = configuration.cryptoProvider().install();
    if (configuration.cryptoProvider() != CryptoProvider.JDK) {
      org.slf4j.LoggerFactory.getLogger(ServerCommand.class).info("crypto provider: {}", provider);
    }
    AtomicReference<MtlsServer> self = new AtomicReference<>();
    MtlsServer server = DemoRoutes.register(configuration.toBuilder(), () -> self.get().reload()).build();
    self.set(server);
    server.start();
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      org.slf4j.LoggerFactory.getLogger(ServerCommand.class).info("shutting down: finishing requests in progress");
      server.close();
      org.slf4j.LoggerFactory.getLogger(ServerCommand.class).info("stopped");
      stopped.countDown();
    }, "mtls-shutdown"));
    stopped.await();
    return 0;
  }

  private Map<String, String> overrides() {
    Map<String, String> values = new LinkedHashMap<>();
    put(values, "host", host);
    put(values, "port", port);
    put(values, "management-host", managementHost);
    put(values, "management-port", managementPort);
    put(values, "certificate", certificate);
    put(values, "key", key);
    put(values, "key-password-file", keyPasswordFile);
    put(values, "key-password-env", keyPasswordEnv);
    put(values, "keystore", keystore);
    put(values, "keystore-alias", keystoreAlias);
    put(values, "keystore-password-file", keystorePasswordFile);
    put(values, "keystore-password-env", keystorePasswordEnv);
    put(values, "trust", trust);
    put(values, "truststore", truststore);
    put(values, "truststore-password-file", truststorePasswordFile);
    put(values, "truststore-password-env", truststorePasswordEnv);
    put(values, "crl", crl == null ? null : String.join(",", crl));
    put(values, "missing-crl", missingCrl);
    put(values, "ocsp", ocsp);
    put(values, "crl-distribution-points", crlDistributionPoints);
    put(values, "crl-url", crlUrl == null ? null : String.join(",", crlUrl));
    put(values, "revocation-unavailable", revocationUnavailable);
    put(values, "revocation-timeout", revocationTimeout);
    put(values, "revocation-max-age", revocationMaxAge);
    put(values, "ocsp-stapling", ocspStapling);
    put(values, "proxy-protocol-from", proxyProtocolFrom);
    put(values, "trusted-proxy-roles", trustedProxyRoles);
    put(values, "trusted-proxy-intermediates", trustedProxyIntermediates);
    put(values, "roles", roles);
    put(values, "routes", routes);
    put(values, "client-auth", clientAuth);
    put(values, "protocols", protocols);
    put(values, "max-connection-lifetime", maxConnectionLifetime);
    put(values, "reload-interval", reloadInterval);
    put(values, "handshake-timeout", handshakeTimeout);
    put(values, "request-header-timeout", requestHeaderTimeout);
    put(values, "idle-timeout", idleTimeout);
    put(values, "max-connections", maxConnections);
    put(values, "max-connections-per-address", maxConnectionsPerAddress);
    put(values, "max-header-size", maxHeaderSize);
    put(values, "max-headers", maxHeaders);
    put(values, "max-request-body", maxRequestBody);
    put(values, "access-log-format", accessLogFormat);
    put(values, "crypto-provider", cryptoProvider);
    return values;
  }

  private static void put(Map<String, String> values, String key, String value) {
    if (value != null) {
      values.put(key, value);
    }
  }
}
