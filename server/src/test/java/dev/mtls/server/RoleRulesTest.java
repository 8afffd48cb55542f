package dev.mtls.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class RoleRulesTest {
  static final TestPki pki = new TestPki();
  static final ClientIdentity workload = ClientIdentity.of(pki.issuing.issue("CN=billing,OU=workloads,O=Demo")
      .uri("spiffe://example.org/ns/prod/sa/billing")
      .email("billing@example.org")
      .dns("Billing.Prod.Example.org")
      .ip("::1")
      .build().certificate());

  @Test
  void subject_attribute_matches_exactly_and_case_sensitively() {
    RoleRules rules = RoleRules.parse("admin subject.OU=workloads\nother subject.OU=Workloads\n", "roles.conf");

    assertThat(rules.rolesFor(workload)).containsExactly("admin");
  }

  @Test
  void one_certificate_may_get_several_roles_and_every_condition_on_a_line_must_hold() {
    RoleRules rules = RoleRules.parse("""
        reader  subject.O=Demo
        billing subject.CN=billing  issuer.CN="Test Issuing CA"
        nobody  subject.CN=billing  issuer.CN="Some Other CA"
        """, "roles.conf");

    assertThat(rules.rolesFor(workload)).containsExactly("billing", "reader");
  }

  @Test
  void uri_prefix_glob_matches_spiffe_ids() {
    RoleRules rules = RoleRules.parse("""
        prod    san.uri=spiffe://example.org/ns/prod/*
        staging san.uri=spiffe://example.org/ns/staging/*
        """, "roles.conf");

    assertThat(rules.rolesFor(workload)).containsExactly("prod");
  }

  @Test
  void email_dns_and_ip_alternative_names_match() {
    RoleRules rules = RoleRules.parse("""
        mail  san.email=billing@example.org
        dns   san.dns=*.prod.example.org
        ip    san.ip=0:0:0:0:0:0:0:1
        ip4   san.ip=127.0.0.1
        """, "roles.conf");

    // DNS names compare case-insensitively; IP addresses compare as addresses (::1 == 0:0:0:0:0:0:0:1).
    assertThat(rules.rolesFor(workload)).containsExactly("dns", "ip", "mail");
  }

  @Test
  void glob_star_matches_any_run_and_escaped_star_is_literal() {
    assertThat(Glob.of("a*c", false).matches("abbbc")).isTrue();
    assertThat(Glob.of("a*c", false).matches("ac")).isTrue();
    assertThat(Glob.of("a*c", false).matches("acb")).isFalse();
    assertThat(Glob.of("*b*", false).matches("abc")).isTrue();
    assertThat(Glob.of("a\\*", false).matches("a*")).isTrue();
    assertThat(Glob.of("a\\*", false).matches("ab")).isFalse();
    assertThat(Glob.of("ab*ba", false).matches("aba")).isFalse();
  }

  @Test
  void unknown_attribute_is_reported_with_file_and_line() {
    assertThatThrownBy(() -> RoleRules.parse("# comment\nadmin subject.OU=admins\n\nreader subject.XX=r\n", "roles.conf"))
        .isInstanceOf(ConfigException.class)
        .hasMessage("roles.conf:4: unknown attribute 'XX'; expected one of CN, OU, O, L, ST, C, DC, UID, SERIALNUMBER,"
            + " EMAILADDRESS, STREET, T");
  }

  @Test
  void other_mistakes_are_reported_with_their_line() {
    assertThatThrownBy(() -> RoleRules.parse("admin\n", "r")).hasMessage(
        "r:1: role 'admin' has no condition; expected e.g. 'subject.OU=admins'");
    assertThatThrownBy(() -> RoleRules.parse("admin subject.OU\n", "r")).hasMessage(
        "r:1: expected SELECTOR=PATTERN but found 'subject.OU'");
    assertThatThrownBy(() -> RoleRules.parse("admin san.x500=foo\n", "r")).hasMessage(
        "r:1: unknown alternative name type 'x500'; expected one of dns, ip, email, uri");
    assertThatThrownBy(() -> RoleRules.parse("admin dn=CN=alice\n", "r")).hasMessage(
        "r:1: unknown selector 'dn'; expected subject.ATTR, issuer.ATTR or san.dns|ip|email|uri");
    assertThatThrownBy(() -> RoleRules.parse("admin san.ip=10.0.*\n", "r")).hasMessage(
        "r:1: '10.0.*' is not an IP address; san.ip takes one literal address, no glob");
    assertThatThrownBy(() -> RoleRules.parse("admin issuer.CN=\"Demo CA\n", "r")).hasMessage(
        "r:1: unterminated quote");
    assertThatThrownBy(() -> RoleRules.parse("ad min! subject.CN=x\n", "r")).hasMessage(
        "r:1: expected SELECTOR=PATTERN but found 'min!'");
    assertThatThrownBy(() -> RoleRules.parse("admin subject.CN=\n", "r")).hasMessage(
        "r:1: empty pattern for 'subject.CN'");
  }

  @Test
  void empty_rules_grant_nothing() {
    assertThat(RoleRules.parse("# nobody yet\n", "r").rolesFor(workload)).isEmpty();
  }
}
