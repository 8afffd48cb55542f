package dev.mtls.client.internal.events;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import dev.mtls.client.ClientListener;
import dev.mtls.client.MtlsClient;
import dev.mtls.pki.material.Identity;
import dev.mtls.pki.material.TrustAnchors;
import dev.mtls.testing.LogCapture;
import dev.mtls.testing.pki.Cast;
import dev.mtls.testing.tls.TlsTestServer;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.junit.jupiter.api.parallel.Isolated;

/** A completed request is described only for someone who takes it: a listener, or the client's log at DEBUG. */
@Isolated // reads a logger that tests running beside it would write to
class ListenersTest {
  private static final Cast PKI = Cast.create();
  private final Logger log = (Logger) LoggerFactory.getLogger("dev.mtls.client");
  private Level before;

  @BeforeEach
  void rememberLevel() {
    before = log.getLevel();
  }

  @AfterEach
  void restoreLevel() {
    log.setLevel(before);
  }

  @Test
  void completed_requests_are_wanted_by_any_listener_or_by_the_log_at_debug() {
    log.setLevel(Level.INFO);
    assertThat(new Listeners(List.of()).wantCompleted()).isFalse();
    assertThat(new Listeners(List.of(new ClientListener() {})).wantCompleted()).isTrue();

    log.setLevel(Level.DEBUG);
    assertThat(new Listeners(List.of()).wantCompleted()).isTrue();
  }

  @Test
  void the_debug_log_writes_each_completed_request_without_any_other_listener() throws Exception {
    log.setLevel(Level.DEBUG);
    try (TlsTestServer server = TlsTestServer.start(PKI.server, PKI.anchors(), List.of("TLSv1.3"));
        LogCapture lines = LogCapture.of("dev.mtls.client");
        MtlsClient client = MtlsClient.builder().identity(Identity.of(PKI.alice.privateKey(), PKI.alice.chain()))
            .trust(TrustAnchors.of(PKI.anchors())).build()) {
      client.get(server.url("/orders"));
      client.get(server.url("/status/404"));

      assertThat(lines.messages(Level.DEBUG)).filteredOn(line -> line.startsWith("GET "))
          .satisfiesExactly(
              first -> assertThat(first).startsWith("GET " + server.url("/orders") + " -> 200 in "),
              second -> assertThat(second).startsWith("GET " + server.url("/status/404") + " -> 404 in "));
    }
  }
}
