package dev.mtls.server.internal.observe;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mtls.pki.material.Fingerprint;
import dev.mtls.pki.material.trust.Trust;
import dev.mtls.server.ClientAuthMode;
import dev.mtls.server.ProxyKeys;
import dev.mtls.server.RoleRules;
import dev.mtls.server.testing.ServerFixture;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The start-up line says what took effect, in words an operator reads as meant. */
class StartupReportTest {
  static final ServerFixture PKI = new ServerFixture();
  static final RoleRules ROLES = RoleRules.parse(ServerFixture.ROLES, "roles.conf");

  static StartupReport report(ProxyKeys trustedProxies) {
    return new StartupReport("127.0.0.1", null, ClientAuthMode.REQUIRED, List.of("TLSv1.3"), "127.0.0.1",
        trustedProxies, false, Duration.ofHours(1));
  }

  @Test
  void names_the_management_address_when_it_listens() {
    String line = report(null).line(8443, 9090, PKI.server.certificate(), Trust.of(PKI.anchors()), ROLES);

    assertThat(line).startsWith("listening on https://127.0.0.1:8443 (client certificates")
        .contains("; management on http://127.0.0.1:9090;").contains("1 trust anchor(s)")
        .contains("revocation not checked").doesNotContain("forwarded client certificates");
  }

  @Test
  void says_management_is_off_when_it_does_not_listen() {
    ProxyKeys proxy = ProxyKeys.ofCertificates(List.of(PKI.alice.certificate()));
    String line = report(proxy).line(8443, -1, PKI.server.certificate(), Trust.of(PKI.anchors()), ROLES);

    assertThat(line).contains("; management off;").doesNotContain("management on")
        .contains("forwarded client certificates trusted from the proxies with keys "
            + Fingerprint.publicKeySha256(PKI.alice.certificate()));
  }
}
