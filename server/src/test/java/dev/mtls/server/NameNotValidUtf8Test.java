package dev.mtls.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mtls.pki.material.trust.Reason;
import dev.mtls.server.testing.ServerFixture;
import dev.mtls.testing.Recorder;
import dev.mtls.testing.pki.Issued;
import dev.mtls.testing.pki.TestPki;
import dev.mtls.testing.tls.TlsProbe;
import java.io.IOException;
import javax.security.auth.x500.X500Principal;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A certificate whose name holds a UTF8String that is not UTF-8 (found by fuzzing the CRL loader): the JDK reads such
 * a certificate, so a client may present one. The value is read as the hex of its encoding (RFC 4514's form for a
 * value that is not text), and the client is served or refused like any other, never an error of the server.
 */
class NameNotValidUtf8Test {
  // O=Demo, OU=admins, CN = UTF8String C3 28 (C3 must be followed by a byte 80..BF).
  private static final X500Principal NAME = new X500Principal(new byte[] {0x30, 0x2d, 0x31, 0x0d, 0x30, 0x0b, 0x06,
      0x03, 0x55, 0x04, 0x0a, 0x0c, 0x04, 'D', 'e', 'm', 'o', 0x31, 0x0f, 0x30, 0x0d, 0x06, 0x03, 0x55, 0x04, 0x0b,
      0x0c, 0x06, 'a', 'd', 'm', 'i', 'n', 's', 0x31, 0x0b, 0x30, 0x09, 0x06, 0x03, 0x55, 0x04, 0x03, 0x0c, 0x02,
      (byte) 0xc3, 0x28});
  static final ServerFixture pki = new ServerFixture();
  static final Recorder<Object> events = new Recorder<>();
  static MtlsServer server;

  @BeforeAll
  static void start() {
    server = pki.serverBuilder().listener(ServerListener.forwardingTo(events)).build().start();
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @Test
  void serves_a_client_whose_name_is_not_valid_utf8_with_the_roles_of_its_other_attributes() throws IOException {
    Issued client = pki.issuing.issue(NAME).client().build();

    TlsProbe.Response response = pki.clientFor(client).get(server.port(), "/whoami");

    assertThat(response.status()).isEqualTo(200);
    assertThat(response.body()).contains("\"roles\":[\"admin\"]");
  }

  @Test
  void refuses_a_foreign_client_whose_name_is_not_valid_utf8_with_a_typed_rejection() {
    Issued eve = TestPki.named("CN=Foreign Root,O=Elsewhere", "CN=Foreign Issuing CA,O=Elsewhere").issuing
        .issue(NAME).client().build();
    events.clear();

    assertThatThrownBy(() -> pki.clientFor(eve).get(server.port(), "/whoami")).isInstanceOf(IOException.class);

    Rejection rejection = events.awaitFirst(Rejection.class);
    assertThat(rejection.verdict().reason()).isEqualTo(Reason.UNTRUSTED_ISSUER);
  }
}
