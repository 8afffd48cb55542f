package dev.mtls.server;

import dev.mtls.pki.material.Identity;
import dev.mtls.pki.material.TrustAnchors;
import dev.mtls.testpki.Issued;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A running {@link MtlsServer} for each test, on loopback ports chosen by the OS, with the shared test PKI and
 * its events recorded; stopped after the test. The service under test registers its routes:
 *
 * <pre>{@code
 * @RegisterExtension
 * final MtlsServerExtension running = MtlsServerExtension.serving(OrdersService::routes).roles("orders subject.OU=orders");
 *
 * @Test
 * void serves_orders() {
 *   ... running.port() ... running.identity("CN=carol,OU=orders") ... running.events().requests() ...
 * }
 * }</pre>
 */
public final class MtlsServerExtension implements BeforeEachCallback, AfterEachCallback {
  private final TestPki pki = new TestPki();
  private final RecordedEvents events = new RecordedEvents();
  private final UnaryOperator<MtlsServer.Builder> configure;
  private String roles = TestPki.ROLES;
  private MtlsServer server;

  private MtlsServerExtension(UnaryOperator<MtlsServer.Builder> configure) {
    this.configure = configure;
  }

  /** A server whose routes (and anything else) {@code configure} adds to the test builder. */
  public static MtlsServerExtension serving(UnaryOperator<MtlsServer.Builder> configure) {
    return new MtlsServerExtension(configure);
  }

  /** Role rules in {@code roles.conf} syntax. If unset: admin for OU=admins, reader for OU=readers. */
  public MtlsServerExtension roles(String rules) {
    this.roles = rules;
    return this;
  }

  @Override
  public void beforeEach(ExtensionContext context) {
    events.clear();
    server = configure.apply(pki.demoServerBuilder().roleRules(RoleRules.parse(roles, "roles.conf")).listener(events))
        .build().start();
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

  /** What the server reported during this test: refusals, served requests, material changes. */
  public RecordedEvents events() {
    return events;
  }

  /** The anchors the server trusts, and that clients trust the server by. */
  public TrustAnchors anchors() {
    return pki.anchors();
  }

  /** A new client certificate from the server's trusted issuing CA. */
  public Issued issue(String subject) {
    return pki.client(subject);
  }

  /** A new client identity from the server's trusted issuing CA. */
  public Identity identity(String subject) {
    return TestPki.identity(issue(subject));
  }

  /** The shared test PKI behind the server, for what {@link #issue} does not cover (foreign CAs, expired...). */
  public dev.mtls.testpki.TestPki pki() {
    return pki.shared;
  }
}
