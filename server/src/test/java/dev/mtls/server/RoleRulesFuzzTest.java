package dev.mtls.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mtls.server.testing.ServerFixture;
import dev.mtls.testing.ClearError;
import dev.mtls.testing.ParserFuzzTest;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.util.List;

/**
 * Whatever a role rules file says, it parses into rules that decide for any certificate without failing, or it is
 * refused with a {@link ConfigException} that names the file and line and says what is wrong: no other exception, no
 * hang (a glob is matched against a long attribute value too).
 */
class RoleRulesFuzzTest {
  private static final ServerFixture pki = new ServerFixture();
  private static final X509Certificate ANCHOR = pki.root.certificate();
  private static final List<X509Certificate> ANCHORS = List.of(ANCHOR);
  private static final List<ClientIdentity> IDENTITIES = List.of(
      ClientIdentity.of(pki.issuing.issue("CN=billing,OU=workloads,O=Demo")
          .uri("spiffe://example.org/ns/prod/sa/billing").email("billing@example.org")
          .dns("Billing.Prod.Example.org").ip("::1").ip("127.0.0.1").build().certificate()),
      ClientIdentity.of(pki.issuing.issue("CN=" + "a".repeat(64) + ",OU=" + "-".repeat(64) + ",O=Demo")
          .uri("https://example.org/" + "a/".repeat(60) + "b").dns("a." + "b.".repeat(60) + "example.org")
          .build().certificate()));

  @ParserFuzzTest
  void reads_or_refuses_any_role_rules_file(byte[] input) {
    RoleRules rules;
    try {
      rules = RoleRules.parse(new String(input, StandardCharsets.UTF_8), "roles.conf");
    } catch (ConfigException e) {
      ClearError.assertClear(e, "roles.conf:");
      return;
    }
    for (ClientIdentity identity : IDENTITIES) {
      assertThat(rules.roles()).containsAll(rules.rolesFor(identity, ANCHOR, ANCHORS));
    }
    rules.warnings(ANCHORS).forEach(warning -> ClearError.assertClear(new ConfigException(warning), "roles.conf:"));
  }
}
