package dev.mtls.e2e;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.mtls.server.AccessLog;
import dev.mtls.server.MtlsServer;
import dev.mtls.pki.material.trust.Reason;
import dev.mtls.server.Rejection;
import dev.mtls.server.ReloadOutcome;
import dev.mtls.server.RouteRules;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Predicate;
import org.slf4j.LoggerFactory;

/**
 * An in-process {@link MtlsServer} on 127.0.0.1 (ports chosen by the OS) with the example roles and routes from
 * {@code server/examples}, recording what tests assert:
 *
 * <ul>
 *   <li>{@link #rejections()}: the server's typed {@link Rejection} events (who was refused, the trust core's verdict);
 *   <li>{@link #accessLog()}: the access-log lines ("GET /api/reports 200 3ms subject=... roles=[reader] ...").
 * </ul>
 *
 * The role rules and CRL are copies in a directory of their own ({@link #rolesFile()}, {@link #crlFile()}), so a
 * test can rewrite them and call {@link #reload()}. Polling is off unless a customizer turns it on.
 */
public final class RunningServer implements AutoCloseable {
  /** How long {@link #awaitRejection} waits for the server to report a refusal it is still processing. */
  public static final Duration LOG_WAIT = Duration.ofSeconds(10);

  private static final Object CAPTURE_LOCK = new Object();

  private final MtlsServer server;
  private final Path rolesFile;
  private final Path crlFile;
  private final List<Rejection> rejections;
  private final Capture access;

  private RunningServer(MtlsServer server, Path rolesFile, Path crlFile, List<Rejection> rejections,
      Capture access) {
    this.server = server;
    this.rolesFile = rolesFile;
    this.crlFile = crlFile;
    this.rejections = rejections;
    this.access = access;
  }

  /**
   * The example configuration: identity {@code server}, trust our root, the CRLs of both CAs (the issuing CA's revoking
   * {@code revoked}).
   */
  public static RunningServer start(E2ePki pki, Path workDir) {
    return start(pki, workDir, builder -> {});
  }

  /**
   * Like {@link #start(E2ePki, Path)}, then {@code customizer} may change anything on the builder (protocols, client
   * auth, identity, reload interval...) before the server is built.
   */
  public static RunningServer start(E2ePki pki, Path workDir, Consumer<MtlsServer.Builder> customizer) {
    try {
      Files.createDirectories(workDir);
      List<Rejection> rejections = new java.util.concurrent.CopyOnWriteArrayList<>();
      Path rolesFile = workDir.resolve("roles.conf");
      Path crlFile = workDir.resolve("crl.pem");
      Files.copy(Artifacts.serverExample("roles.conf"), rolesFile, StandardCopyOption.REPLACE_EXISTING);
      Files.copy(pki.crlPem(), crlFile, StandardCopyOption.REPLACE_EXISTING);
      MtlsServer.Builder builder = MtlsServer.builder()
          .identityPem(pki.server().chain(), pki.server().key(), null)
          .trustPem(pki.rootPem())
          .addCrlFile(crlFile)
          .roleRulesFile(rolesFile)
          .routeRules(RouteRules.load(Artifacts.serverExample("routes.conf")))
          .rejectionListener(rejections::add)
          .host("127.0.0.1")
          .port(0)
          .managementPort(0)
          .reloadInterval(Duration.ZERO);
      customizer.accept(builder);
      Capture access = new Capture(AccessLog.TEXT_LOGGER);
      MtlsServer server;
      try {
        server = builder.build().start();
      } catch (RuntimeException e) {
        access.detach();
        throw e;
      }
      return new RunningServer(server, rolesFile, crlFile, rejections, access);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public MtlsServer server() {
    return server;
  }

  public int port() {
    return server.port();
  }

  /** {@code https://localhost:PORT/path}: the name the server certificate carries. */
  public URI url(String path) {
    return URI.create("https://localhost:" + port() + path);
  }

  /** The same server under another host name or address, e.g. {@code url("127.0.0.1", "/whoami")}. */
  public URI url(String host, String path) {
    return URI.create("https://" + host + ":" + port() + path);
  }

  public Path rolesFile() {
    return rolesFile;
  }

  public Path crlFile() {
    return crlFile;
  }

  /** Reloads the files that changed; see {@link MtlsServer#reload()}. */
  public ReloadOutcome reload() {
    return server.reload();
  }

  /** Forgets the recorded rejections and access-log lines (call before each test's request). */
  public void clearLogs() {
    rejections.clear();
    access.clear();
  }

  /** The rejections reported so far. */
  public List<Rejection> rejections() {
    return List.copyOf(rejections);
  }

  /** The access-log lines logged so far. */
  public List<String> accessLog() {
    return access.lines();
  }

  /**
   * The first rejection for {@code reason}, waiting (bounded) for it: the server reports a refused handshake on its
   * own thread, possibly after the client has already given up. Fails with all rejections seen if none comes.
   */
  public Rejection awaitRejection(Reason reason) {
    long deadline = System.nanoTime() + LOG_WAIT.toNanos();
    while (true) {
      Optional<Rejection> rejection = rejections.stream().filter(r -> r.verdict().reason() == reason).findFirst();
      if (rejection.isPresent()) {
        return rejection.get();
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError("expected a rejection for " + reason + " within " + LOG_WAIT.toSeconds()
            + " s; the server reported " + rejections);
      }
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted while waiting for a rejection", e);
      }
    }
  }

  /**
   * The first access-log line containing every one of {@code fragments}, waiting (bounded) for it. Name the client
   * too: the line of an earlier test's request may still arrive after {@link #clearLogs()}.
   */
  public String awaitAccess(String... fragments) {
    return access.await(line -> java.util.Arrays.stream(fragments).allMatch(line::contains),
        "an access-log line containing " + java.util.Arrays.toString(fragments));
  }

  @Override
  public void close() {
    try {
      server.close();
    } finally {
      access.detach();
    }
  }

  /** A logback ListAppender on the access logger (requests become typed events with the embedding API). */
  private static final class Capture {
    private final Logger logger;
    private final ListAppender<ILoggingEvent> appender = new ListAppender<>();

    Capture(String loggerName) {
      synchronized (CAPTURE_LOCK) {
        this.logger = (Logger) LoggerFactory.getLogger(loggerName);
        appender.setName("e2e-capture-" + loggerName + "-" + System.identityHashCode(appender));
        appender.setContext(logger.getLoggerContext());
        appender.start();
        logger.addAppender(appender);
      }
    }

    List<String> lines() {
      List<String> lines = new ArrayList<>();
      synchronized (appender) {
        for (ILoggingEvent event : appender.list) {
          lines.add(event.getLevel() + " " + event.getFormattedMessage());
        }
      }
      return lines;
    }

    void clear() {
      synchronized (appender) {
        appender.list.clear();
      }
    }

    String await(Predicate<String> wanted, String what) {
      long deadline = System.nanoTime() + LOG_WAIT.toNanos();
      while (true) {
        Optional<String> line = lines().stream().filter(wanted).findFirst();
        if (line.isPresent()) {
          return line.get();
        }
        if (System.nanoTime() > deadline) {
          throw new AssertionError("expected " + what + " in the server log within " + LOG_WAIT.toSeconds()
              + " s; the captured lines of " + logger.getName() + " are " + lines());
        }
        try {
          Thread.sleep(20);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new AssertionError("interrupted while waiting for " + what, e);
        }
      }
    }

    void detach() {
      synchronized (CAPTURE_LOCK) {
        logger.detachAppender(appender);
        appender.stop();
      }
    }
  }
}
