package dev.mtls.e2e;

import dev.mtls.pki.material.trust.Reason;
import dev.mtls.server.MtlsServer;
import dev.mtls.server.MtlsServerBuilder;
import dev.mtls.server.Rejection;
import dev.mtls.server.ReloadOutcome;
import dev.mtls.server.ServedRequest;
import dev.mtls.server.ServerListener;
import dev.mtls.server.app.DemoRoutes;
import dev.mtls.server.app.ServerConfig;
import dev.mtls.testing.Eventually;
import dev.mtls.testing.Recorder;
import dev.mtls.testing.pki.CastFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/**
 * An in-process {@link MtlsServer} on 127.0.0.1 (ports chosen by the OS) with the example roles and routes from
 * {@code server-app/examples} and the demo's routes, recording what tests assert:
 *
 * <ul>
 *   <li>{@link #rejections()}: the server's typed {@link Rejection} events (who was refused, the trust core's verdict);
 *   <li>{@link #requests()}: the typed {@link ServedRequest} events (method, path, status, caller and roles).
 * </ul>
 *
 * The role rules and CRL are copies in a directory of their own ({@link #rolesFile()}, {@link #crlFile()}), so a
 * test can rewrite them and call {@link #reload()}. Polling is off unless a customizer turns it on.
 */
public final class RunningServer implements AutoCloseable {
  /** How long {@link #awaitRejection} waits for the server to report a refusal it is still processing. */
  public static final Duration LOG_WAIT = Duration.ofSeconds(10);

  private final MtlsServer server;
  private final Path rolesFile;
  private final Path crlFile;
  private final Recorder<Object> events;

  private RunningServer(MtlsServer server, Path rolesFile, Path crlFile, Recorder<Object> events) {
    this.server = server;
    this.rolesFile = rolesFile;
    this.crlFile = crlFile;
    this.events = events;
  }

  /**
   * The example configuration: identity {@code server}, trust our root, the CRLs of both CAs (the issuing CA's revoking
   * {@code revoked}).
   */
  public static RunningServer start(CastFiles pki, Path workDir) {
    return start(pki, workDir, builder -> {});
  }

  /**
   * Like {@link #start(CastFiles, Path)}, then {@code customizer} may change anything on the builder (protocols, client
   * auth, identity, reload interval...) before the server is built.
   */
  public static RunningServer start(CastFiles pki, Path workDir, Consumer<MtlsServerBuilder> customizer) {
    try {
      Files.createDirectories(workDir);
      Path rolesFile = workDir.resolve("roles.conf");
      Path crlFile = workDir.resolve("crl.pem");
      Files.copy(Artifacts.serverExample("roles.conf"), rolesFile, StandardCopyOption.REPLACE_EXISTING);
      Files.copy(pki.crlPem(), crlFile, StandardCopyOption.REPLACE_EXISTING);
      Recorder<Object> events = new Recorder<>(LOG_WAIT);
      AtomicReference<MtlsServer> self = new AtomicReference<>();
      MtlsServerBuilder builder = DemoRoutes.register(MtlsServer.builder(), () -> self.get().reload())
          .identityPem(pki.server().chain(), pki.server().key(), null)
          .trustPem(pki.rootPem())
          .addCrlFile(crlFile)
          .roleRulesFile(rolesFile)
          .routeRulesFile(Artifacts.serverExample("routes.conf"))
          .listener(ServerListener.forwardingTo(events))
          .host("127.0.0.1")
          .port(0)
          .managementPort(0)
          .reloadInterval(Duration.ZERO);
      customizer.accept(builder);
      MtlsServer server = builder.build();
      self.set(server);
      server.start();
      return new RunningServer(server, rolesFile, crlFile, events);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * The server {@code java -jar server-app/target/mtls-server.jar --config FILE} runs, started in this JVM from the
   * same configuration file (the jar's own start-up is {@link ServerProcessScenarioTest}'s subject): the same
   * settings, role and route rules and demo routes, with typed events recorded. The file's ports should be 0.
   */
  public static RunningServer fromConfig(Path config) {
    Recorder<Object> events = new Recorder<>(LOG_WAIT);
    AtomicReference<MtlsServer> self = new AtomicReference<>();
    MtlsServer server = DemoRoutes.register(ServerConfig.load(config).toBuilder(), () -> self.get().reload())
        .listener(ServerListener.forwardingTo(events)).build();
    self.set(server);
    server.start();
    return new RunningServer(server, null, null, events);
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

  /** Forgets the recorded events (call before each test's request). */
  public void clearLogs() {
    events.clear();
  }

  /** The rejections reported so far. */
  public List<Rejection> rejections() {
    return events.all(Rejection.class);
  }

  /** The requests served so far. */
  public List<ServedRequest> requests() {
    return events.all(ServedRequest.class);
  }

  /**
   * The first rejection for {@code reason}, waiting (bounded) for it: the server reports a refused handshake on its
   * own thread, possibly after the client has already given up. Fails with all rejections seen if none comes.
   */
  public Rejection awaitRejection(Reason reason) {
    return events.awaitFirst(Rejection.class, r -> r.verdict().reason() == reason);
  }

  /** Waits (bounded) until the server has refused {@code count} handshakes or requests for {@code reason}. */
  public List<Rejection> awaitRejections(Reason reason, int count) {
    return awaitRejections(Rejection.Stage.values(), reason, count);
  }

  /** How many refusals at {@code stage} for {@code reason} the server has reported so far. */
  public int rejections(Rejection.Stage stage, Reason reason) {
    return (int) rejections().stream().filter(r -> r.stage() == stage && r.verdict().reason() == reason).count();
  }

  /** Waits (bounded) until the server has refused {@code count} at {@code stage} for {@code reason}. */
  public List<Rejection> awaitRejections(Rejection.Stage stage, Reason reason, int count) {
    return awaitRejections(new Rejection.Stage[] {stage}, reason, count);
  }

  private List<Rejection> awaitRejections(Rejection.Stage[] stages, Reason reason, int count) {
    List<Rejection.Stage> at = List.of(stages);
    return Eventually.within(LOG_WAIT).await(count + " rejection(s) at " + at + " for " + reason,
        () -> rejections().stream().filter(r -> at.contains(r.stage()) && r.verdict().reason() == reason).toList(),
        found -> found.size() >= count);
  }

  /**
   * The first served request for {@code method} and {@code path} by the client whose subject starts with
   * {@code subjectPrefix}, waiting (bounded) for it: the event comes when the response is complete. Name the client:
   * an earlier test's request may still arrive after {@link #clearLogs()}.
   */
  public ServedRequest awaitRequest(String method, String path, String subjectPrefix) {
    return events.awaitFirst(ServedRequest.class, r -> r.method().equals(method) && r.path().equals(path)
        && r.caller() != null && r.caller().identity().subject().toString().startsWith(subjectPrefix));
  }

  @Override
  public void close() {
    server.close();
  }
}
