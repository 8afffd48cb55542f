package dev.mtls.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import org.junit.jupiter.api.Test;

/** A client that gives up on the server (it does not trust our certificate) is not a refusal of ours. */
class ClientAbortTest {
  private final TestPki pki = new TestPki();

  @Test
  void a_client_that_does_not_trust_the_server_is_an_aborted_handshake_not_a_rejection() throws Exception {
    RecordedEvents events = new RecordedEvents();
    TestClient distrustful = new TestClient(TestPki.identity(pki.alice), new TestPki().root.certificate());
    try (MtlsServer server = pki.serverBuilder().listener(events).build().start()) {
      assertThatThrownBy(() -> distrustful.get(server.port(), "/whoami")).isInstanceOf(IOException.class);

      assertThat(events.awaitAborted()).singleElement().satisfies(handshake -> {
        assertThat(handshake.peer()).matches("127\\.0\\.0\\.1:\\d+");
        assertThat(handshake.alert()).endsWith("Received fatal alert: certificate_unknown");
      });
      assertThat(events.all()).isEmpty();
    }
  }
}
