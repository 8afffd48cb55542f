package dev.mtls.server.testing;

import dev.mtls.pki.material.Identity;
import dev.mtls.pki.material.TrustAnchors;
import dev.mtls.server.MtlsServer;
import dev.mtls.server.MtlsServerBuilder;
import dev.mtls.server.RoleRules;
import dev.mtls.server.ServerListener;
import dev.mtls.testing.Recorder;
import dev.mtls.testing.pki.Issued;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A running {@link MtlsServer} for each test, on loopback ports chosen by the OS, with the fixture's PKI and its
 * events recorded; stopped after the test. The service under test registers its routes:
 *
 * <pre>{@code
 * @RegisterExtension
 * final RunningServer running = RunningServer.serving(OrdersRoutes::register).roles("orders subject.OU=orders");
 *
 * @Test
 * void serves_orders() {
 *   ... running.port() ... running.identity("CN=carol,OU=orders") ... running.events().all(ServedRequest.class) ...
 * }
 * }</pre>
 */
public final class RunningServer implements BeforeEachCallback, AfterEachCallback {
  private final ServerFixture fixture = new ServerFixture();
  private final Recorder<Object> events = new Recorder<>();
  private final UnaryOperator<MtlsServerBuilder> configure;
  private String roles = ServerFixture.ROLES;
  private MtlsServer server;

  private RunningServer(UnaryOperator<MtlsServerBuilder> configure) {
    this.configure = configure;
  }

  /** A server whose routes (and anything else) {@code configure} adds to the fixture's builder. */
  public static RunningServer serving(UnaryOperator<MtlsServerBuilder> configure) {
    return new RunningServer(configure);
  }

  /** Role rules in {@code roles.conf} syntax. If unset: admin for OU=admins, reader for OU=readers. */
  public RunningServer roles(String rules) {
    this.roles = rules;
    return this;
  }

  @Override
  public void beforeEach(ExtensionContext context) {
    events.clear();
    server = configure.apply(fixture.builder().roleRules(RoleRules.parse(roles, "roles.conf"))
        .listener(ServerListener.forwardingTo(events))).build().start();
  }

  @Override
  public void afterEach(ExtensionContext context) {
    if (server != null) {
      server.close();
      server = null;
    }
  }

  public MtlsServer server() {
    return server;
  }

  public int port() {
    return server.port();
  }

  /** What the server reported during this test: handshakes, refusals, served requests, material changes. */
  public Recorder<Object> events() {
    return events;
  }

  /** The anchors the server trusts, and that clients trust the server by. */
  public TrustAnchors anchors() {
    return fixture.anchors();
  }

  /** A new client certificate from the server's trusted issuing CA. */
  public Issued issue(String subject) {
    return fixture.client(subject);
  }

  /** A new client identity from the server's trusted issuing CA. */
  public Identity identity(String subject) {
    return ServerFixture.identity(issue(subject));
  }

  /** The fixture behind the server, for what {@link #issue} does not cover (foreign CAs, expired...). */
  public ServerFixture fixture() {
    return fixture;
  }
}
