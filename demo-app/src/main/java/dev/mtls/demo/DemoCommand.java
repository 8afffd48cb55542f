package dev.mtls.demo;

import dev.mtls.pki.material.KeyEncryption;
import dev.mtls.pki.material.KeyMaterialException;
import dev.mtls.server.ConfigException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code java -jar demo-app/target/mtls-demo.jar [options]}, which {@code ./demo} and {@code demo.cmd} run: the whole
 * demo in this JVM. A failure to start (a port in use) is one line on stderr and exit status 1.
 */
@Command(name = "demo", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"Creates a demo PKI whose certificates name where their revocation status is published, publishes",
        "it (OCSP and CRLs), starts the server, calls it as each demo identity and prints what happened and why.",
        "Then shows one real handshake, where the status is published, a short-lived certificate renewing itself",
        "over EST, and the commands to try by hand.",
        "Each step shows the command that does it by hand. Everything it starts is stopped when it ends."})
public final class DemoCommand implements Callable<Integer> {
  @Option(names = "--keep-running", description = "Keep the server and the publisher running until Enter or Ctrl-C.")
  boolean keepRunning;

  @Option(names = "--port", paramLabel = "N", defaultValue = "8443",
      description = "The server's HTTPS port; 0 picks a free one (default: ${DEFAULT-VALUE}).")
  int port;

  @Option(names = "--management-port", paramLabel = "M", defaultValue = "9090",
      description = "The server's health and metrics port; 0 picks a free one (default: ${DEFAULT-VALUE}).")
  int managementPort;

  @Option(names = "--publish-port", paramLabel = "P", defaultValue = "8081",
      description = "Where the CA publishes OCSP and CRLs; 0 picks a free one (default: ${DEFAULT-VALUE}).")
  int publishPort;

  @Option(names = "--est-port", paramLabel = "E", defaultValue = "8444",
      description = "Where the CA serves EST (HTTPS), from which the certificates renew themselves; 0 picks a free one"
          + " (default: ${DEFAULT-VALUE}).")
  int estPort;

  @Option(names = "--out", paramLabel = "DIR", defaultValue = "target/demo",
      description = "Where the demo PKI and the log go; replaced on each run (default: ${DEFAULT-VALUE}).")
  Path out;

  private final PrintWriter stdout;
  private final PrintWriter stderr;
  private final InputStream stdin;
  private final boolean ownsLogging;

  private DemoCommand(PrintWriter stdout, PrintWriter stderr, InputStream stdin, boolean ownsLogging) {
    this.stdout = stdout;
    this.stderr = stderr;
    this.stdin = stdin;
    this.ownsLogging = ownsLogging;
  }

  public static void main(String[] args) {
    System.exit(execute(new DemoCommand(new PrintWriter(System.out, true), new PrintWriter(System.err, true),
        System.in, true), args));
  }

  /**
   * Runs the demo with {@code args} in this JVM, whose logging stays as it is; returns the exit status instead of
   * exiting (for tests).
   */
  static int execute(String[] args, PrintWriter stdout, PrintWriter stderr, InputStream stdin) {
    return execute(new DemoCommand(stdout, stderr, stdin, false), args);
  }

  private static int execute(DemoCommand command, String[] args) {
    CommandLine commandLine = new CommandLine(command);
    commandLine.setOut(command.stdout);
    commandLine.setErr(command.stderr);
    return commandLine.execute(args);
  }

  @Override
  public Integer call() {
    Path log = ownsLogging ? logTo(out.resolve("demo.log")) : null;
    DemoSettings settings = new DemoSettings(new Project(Path.of("")), out, port, managementPort, publishPort,
        estPort, keepRunning, stdin, log, KeyEncryption.STANDARD, Programs::onPath);
    Demo demo = new Demo(settings, new Console(stdout, Shell.current()));
    // Ctrl-C ends the JVM: what the demo started is closed on the way out.
    Thread stop = new Thread(demo::close, "demo-stop");
    Runtime.getRuntime().addShutdownHook(stop);
    try {
      demo.run();
      return 0;
    } catch (DemoException | ConfigException | KeyMaterialException | UncheckedIOException e) {
      stderr.println("demo: " + e.getMessage());
      return 1;
    } finally {
      demo.close();
      try {
        Runtime.getRuntime().removeShutdownHook(stop);
      } catch (IllegalStateException e) {
        // The JVM is already stopping: the hook runs, and finds nothing left to close.
      }
      stdout.flush();
      stderr.flush();
    }
  }

  /** Sends the server's and clients' log to {@code file}, unless the JVM was told where logging goes; where it goes. */
  private static Path logTo(Path file) {
    // Undertow and XNIO log through jboss-logging; send that to SLF4J, as the server's jar does.
    System.setProperty("org.jboss.logging.provider", System.getProperty("org.jboss.logging.provider", "slf4j"));
    if (System.getProperty("logback.configurationFile") != null) {
      return null;
    }
    System.setProperty("logback.configurationFile", "mtls-demo-logback.xml");
    System.setProperty("mtls.demo.log", file.toString());
    return file;
  }
}
