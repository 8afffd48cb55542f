package dev.mtls.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mtls.server.testing.ServerFixture;
import dev.mtls.testing.Recorder;
import dev.mtls.testing.tls.TlsProbe;
import java.io.IOException;
import org.junit.jupiter.api.Test;

/** A client that gives up on the server (it does not trust our certificate) is not a refusal of ours. */
class ClientAbortTest {
  private final ServerFixture pki = new ServerFixture();

  @Test
  void a_client_that_does_not_trust_the_server_is_an_aborted_handshake_not_a_rejection() throws Exception {
    Recorder<Object> events = new Recorder<>();
    TlsProbe distrustful = TlsProbe.of(pki.alice, new ServerFixture().root.certificate());
    try (MtlsServer server = pki.serverBuilder().listener(ServerListener.forwardingTo(events)).build().start()) {
      assertThatThrownBy(() -> distrustful.get(server.port(), "/whoami")).isInstanceOf(IOException.class);

      assertThat(events.await(AbortedHandshake.class, h -> true)).singleElement().satisfies(handshake -> {
        assertThat(handshake.peer()).matches("127\\.0\\.0\\.1:\\d+");
        assertThat(handshake.alert()).endsWith("Received fatal alert: certificate_unknown");
      });
      assertThat(events.all(Rejection.class)).isEmpty();
    }
  }
}
