package dev.mtls.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mtls.pki.material.Fingerprint;
import dev.mtls.server.testing.ServerFixture;
import dev.mtls.testing.pki.CertificateBuilder;
import dev.mtls.testing.pki.TestCa;
import dev.mtls.testing.pki.TestPki;
import java.security.cert.X509Certificate;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RoleRulesTest {
  static final ServerFixture pki = new ServerFixture();
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
  void uri_star_matches_within_one_segment_and_double_star_across_segments() {
    RoleRules rules = RoleRules.parse("""
        prod     san.uri=spiffe://example.org/ns/prod/**
        staging  san.uri=spiffe://example.org/ns/staging/**
        shallow  san.uri=spiffe://example.org/ns/prod/*
        sa       san.uri=spiffe://example.org/ns/*/sa/billing
        """, "roles.conf");

    // The workload is spiffe://example.org/ns/prod/sa/billing: two segments below ns/prod.
    assertThat(rules.rolesFor(workload)).containsExactly("prod", "sa");
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
        "r:1: unknown selector 'dn'; expected subject.ATTR, issuer.ATTR, san.dns|ip|email|uri, anchor or"
            + " anchor.sha256");
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

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {
      "spiffe://example.org/ns/prod/..",
      "spiffe://example.org/ns/prod/.",
      "spiffe://example.org/ns/prod/%2e%2e",
      "spiffe://example.org/ns/prod/%2Fadmin",
      "spiffe://example.org/ns/prod//web",
      "spiffe://example.org/ns/prod/web/",
      "spiffe://example.org/ns/prod/web?x=1",
      "spiffe://example.org/ns/prod/web#x",
      "spiffe://Example.org/ns/prod/web",
      "spiffe://example.org:443/ns/prod/web",
      "spiffe://user@example.org/ns/prod/web",
      "SPIFFE://example.org/ns/prod/web"})
  void a_uri_name_that_is_not_a_valid_spiffe_id_grants_nothing(String uri) {
    RoleRules rules = RoleRules.parse("""
        prod  san.uri=spiffe://example.org/ns/prod/**
        any   san.uri=**
        """, "roles.conf");

    assertThat(rules.rolesFor(identityWithUri(uri))).isEmpty();
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"https://example.org/app/../admin", "https://example.org/app/./x",
      "https://example.org//admin", "https://example.org/app%2F..%2Fadmin"})
  void a_uri_name_with_dot_or_empty_segments_or_escapes_grants_nothing(String uri) {
    RoleRules rules = RoleRules.parse("any san.uri=https://example.org/**\n", "roles.conf");

    assertThat(rules.rolesFor(identityWithUri(uri))).isEmpty();
  }

  @Test
  void a_valid_spiffe_id_still_matches() {
    RoleRules rules = RoleRules.parse("web san.uri=spiffe://example.org/ns/prod/sa/*\n", "roles.conf");

    assertThat(rules.rolesFor(identityWithUri("spiffe://example.org/ns/prod/sa/web-1.v2_b"))).containsExactly("web");
  }

  @Test
  void an_svid_with_two_uri_names_gets_no_role_from_a_uri_rule_and_one_with_one_still_does() {
    RoleRules rules = RoleRules.parse("""
        prod      san.uri=spiffe://acme.example/ns/prod/*
        web       san.uri=https://acme.example/**
        workload  subject.OU=workloads
        """, "roles.conf");

    // The X509-SVID standard: an SVID has exactly one URI SAN, and a validator must reject one with more.
    assertThat(rules.rolesFor(svid("spiffe://acme.example/ns/prod/a", "spiffe://acme.example/ns/prod/b")))
        .containsExactly("workload");
    assertThat(rules.rolesFor(svid("spiffe://acme.example/ns/prod/a", "https://acme.example/a")))
        .containsExactly("workload");
    assertThat(rules.rolesFor(svid("spiffe://acme.example/ns/prod/a"))).containsExactly("prod", "workload");
    // Without a spiffe: name a certificate is no SVID, and may carry several URIs.
    assertThat(rules.rolesFor(svid("https://acme.example/a", "https://acme.example/b")))
        .containsExactly("web", "workload");
  }

  @Test
  void dns_star_matches_exactly_one_label() {
    RoleRules rules = RoleRules.parse("svc san.dns=*.example.org\n", "roles.conf");

    assertThat(rules.rolesFor(identityWithDns("api.example.org"))).containsExactly("svc");
    assertThat(rules.rolesFor(identityWithDns("a.b.example.org"))).isEmpty();
    assertThat(rules.rolesFor(identityWithDns("example.org"))).isEmpty();
  }

  @Test
  void a_rule_pattern_that_is_not_a_plain_uri_is_refused_when_loaded() {
    assertThatThrownBy(() -> RoleRules.parse("x san.uri=spiffe://example.org/a/../b\n", "r")).hasMessage(
        "r:1: 'spiffe://example.org/a/../b' is not a plain URI (a spiffe: URI must be a valid SPIFFE ID; no dot or"
            + " empty segments, percent-encoding, query or fragment)");
    assertThatThrownBy(() -> RoleRules.parse("x anchor.sha256=abc\n", "r")).hasMessage(
        "r:1: 'abc' is not a SHA-256 fingerprint (64 hex digits, colons allowed)");
  }

  @Test
  void a_rule_bound_to_an_anchor_is_not_satisfied_through_another_anchor_with_the_same_names() {
    TestCa a = TestPki.named("CN=Corp Root,O=Corp", "CN=Corp Issuing,O=Corp").root;
    TestPki twin = TestPki.named("CN=Corp Root,O=Corp", "CN=Corp Issuing,O=Corp");
    TestCa b = twin.root;
    ClientIdentity admin = ClientIdentity.of(twin.client("CN=mallory,OU=admins,O=Corp").certificate());
    List<X509Certificate> both = List.of(a.certificate(), b.certificate());
    RoleRules byKey = RoleRules.parse("admin subject.OU=admins anchor.sha256="
        + Fingerprint.publicKeySha256(a.certificate()) + "\n", "roles.conf");
    RoleRules byName = RoleRules.parse("admin subject.OU=admins anchor=\"CN=Corp Root,O=Corp\"\n", "roles.conf");

    assertThat(byKey.rolesFor(admin, b.certificate(), both)).isEmpty();
    assertThat(byKey.rolesFor(admin, a.certificate(), both)).containsExactly("admin");
    // With both anchors named alike the name is ambiguous: it grants nothing, and says why.
    assertThat(byName.rolesFor(admin, a.certificate(), both)).isEmpty();
    assertThat(byName.warnings(both)).containsExactly("roles.conf:1: role 'admin': anchor=\"CN=Corp Root,O=Corp\""
        + " names 2 configured trust anchors; use anchor.sha256= with the key fingerprint, so the rule grants nothing");
    // With only A configured, the name resolves to A's key, and B's key does not match it.
    assertThat(byName.rolesFor(admin, a.certificate(), List.of(a.certificate()))).containsExactly("admin");
    assertThat(byName.rolesFor(admin, b.certificate(), List.of(a.certificate()))).isEmpty();
  }

  @Test
  void warns_when_several_anchors_are_configured_and_a_rule_names_none() {
    TestCa a = TestPki.named("CN=A Root,O=A", "CN=A Issuing,O=A").root;
    TestCa b = TestPki.named("CN=B Root,O=B", "CN=B Issuing,O=B").root;
    RoleRules rules = RoleRules.parse("reader subject.OU=readers\n", "roles.conf");

    assertThat(rules.warnings(List.of(a.certificate()))).isEmpty();
    assertThat(rules.warnings(List.of(a.certificate(), b.certificate()))).containsExactly("roles.conf:1: role"
        + " 'reader' names no trust anchor, so a certificate from any of the 2 configured anchors can earn it; add"
        + " anchor=\"DN\" to bind it to one");
  }

  private static ClientIdentity identityWithUri(String uri) {
    return ClientIdentity.of(pki.issuing.issue("CN=w,O=Demo").uri(uri).build().certificate());
  }

  private static ClientIdentity svid(String... uris) {
    CertificateBuilder builder = pki.issuing.issue("CN=w,OU=workloads,O=Demo");
    for (String uri : uris) {
      builder.uri(uri);
    }
    return ClientIdentity.of(builder.build().certificate());
  }

  private static ClientIdentity identityWithDns(String name) {
    return ClientIdentity.of(pki.issuing.issue("CN=w,O=Demo").dns(name).build().certificate());
  }
}
