package dev.mtls.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A client that gives up on the server (it does not trust our certificate) is not a refusal: one INFO line. */
class ClientAbortTest {
  private final TestPki pki = new TestPki();

  @Test
  void a_client_that_does_not_trust_the_server_is_logged_at_info_and_is_not_a_rejection() throws Exception {
    RecordedEvents rejections = new RecordedEvents();
    TestClient distrustful = new TestClient(TestPki.identity(pki.alice), new TestPki().root.certificate());
    try (LogCapture log = LogCapture.of(HandshakeEvents.class);
        MtlsServer server = pki.serverBuilder().listener(rejections).build().start()) {
      assertThatThrownBy(() -> distrustful.get(server.port(), "/whoami")).isInstanceOf(IOException.class);

      List<String> lines = log.await(Level.INFO, line -> line.contains("aborted the TLS handshake"));

      assertThat(lines).singleElement().asString().matches("client 127\\.0\\.0\\.1:\\d+ aborted the TLS handshake: "
          + "(\\(certificate_unknown\\) )?Received fatal alert: certificate_unknown");
      assertThat(rejections.all()).isEmpty();
    }
  }
}
