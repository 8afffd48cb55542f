package dev.mtls.server.app;

import dev.mtls.cli.SettingOptions;
import dev.mtls.pki.material.CryptoProvider;
import dev.mtls.pki.material.KeyMaterialException;
import dev.mtls.pki.material.SafeText;
import dev.mtls.server.ConfigException;
import dev.mtls.server.MtlsServer;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code java -jar mtls-server.jar --config server.conf [--key value ...]}: runs the server until SIGTERM or Ctrl-C,
 * then shuts down gracefully. A start-up problem is one line on stderr and exit status 2. Every configuration key is
 * an option, made from its setting's declaration (name, value syntax, meaning, default).
 */
@Command(name = "mtls-server", mixinStandardHelpOptions = true, version = "mtls-server 0.1.0",
    sortOptions = false,
    description = {
        "An HTTPS server that requires client certificates, maps them to roles and authorizes routes.",
        "Every option can also be a 'key = value' line in the --config file; the command line wins.",
        "Passwords are read from files, environment variables or the terminal, never from arguments."},
    footer = {"", "Example:",
        "  java -jar mtls-server.jar --config server-app/examples/server.conf --port 8443",
        "Exit status: 2 when the server cannot start (the reason is on stderr); after SIGTERM or Ctrl-C it shuts",
        "down gracefully and the JVM exits with the signal's usual status (143 or 130)."})
public final class ServerCommand implements Callable<Integer> {
  @Option(names = "--config", paramLabel = "FILE", description = "configuration file (key = value lines)")
  Path config;

  @Spec
  CommandSpec spec;

  /** The configuration keys as options, made from their declarations. */
  private SettingOptions settings;

  private final CountDownLatch stopped = new CountDownLatch(1);

  public static void main(String[] args) {
    // XNIO registers each worker as an MBean, and the first registration builds the JVM's platform MBean server
    // (every platform MXBean, JFR's included): some 300 classes, 0.1-0.25 s, that need nothing from the command line,
    // so they load on another core while this thread reads the command line and the material. The same thread then
    // lets an idle server give its heap back.
    Thread platformMBeans = new Thread(() -> {
      ManagementFactory.getPlatformMBeanServer();
      IdleHeap.release(IdleHeap.INTERVAL);
    }, "mtls-platform-mbeans");
    platformMBeans.setDaemon(true);
    platformMBeans.start();
    System.exit(execute(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
  }

  /** Runs the command; returns the exit status instead of exiting (for tests). */
  public static int execute(String[] args, PrintWriter out, PrintWriter err) {
    // Undertow and XNIO log through jboss-logging; send that to SLF4J (and so to logback) explicitly.
    System.setProperty("org.jboss.logging.provider", System.getProperty("org.jboss.logging.provider", "slf4j"));
    ServerCommand command = new ServerCommand();
    CommandLine commandLine = new CommandLine(command);
    command.settings = SettingOptions.addTo(commandLine.getCommandSpec(), ServerConfig.keys());
    // A removed key given as an option says why it was removed, as it does in the file, not "unknown option".
    for (String key : ServerConfig.removedKeys()) {
      commandLine.getCommandSpec().addOption(OptionSpec.builder("--" + key).hidden(true).type(String.class).build());
    }
    commandLine.setOut(out);
    commandLine.setErr(err);
    commandLine.setUsageHelpLongOptionsMaxWidth(32);
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
    // Not a static field: the logging set-up waits until main has started the platform MBeans on another core.
    Logger log = LoggerFactory.getLogger(ServerCommand.class);
    for (String key : ServerConfig.removedKeys()) {
      if (spec.findOption("--" + key).getValue() != null) {
        throw ServerConfig.removed(key, "--" + key);
      }
    }
    ServerConfig configuration = (config == null ? ServerConfig.empty() : ServerConfig.load(config))
        .with(settings.given());
    // Before any key, context or engine exists: they take their implementations from the providers in place.
    String provider = configuration.cryptoProvider().install();
    if (configuration.cryptoProvider() != CryptoProvider.JDK) {
      log.info("crypto provider: {}", provider);
    }
    AtomicReference<MtlsServer> self = new AtomicReference<>();
    MtlsServer server = DemoRoutes.register(configuration.toBuilder(), () -> self.get().reload()).build();
    self.set(server);
    server.start();
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      log.info("shutting down: finishing requests in progress");
      server.close();
      log.info("stopped");
      stopped.countDown();
    }, "mtls-shutdown"));
    stopped.await();
    return 0;
  }
}
