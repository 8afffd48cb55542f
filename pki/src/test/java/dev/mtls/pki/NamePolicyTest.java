package dev.mtls.pki;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mtls.pki.material.SubjectAltName;
import java.security.KeyPair;
import java.util.List;
import javax.security.auth.x500.X500Principal;
import org.junit.jupiter.api.Test;

class NamePolicyTest {
  private static final X500Principal SUBJECT = new X500Principal("CN=svc,O=mtls-reference");

  private final NamePolicy policy = NamePolicy.builder()
      .requireSubjectAttribute("O", "mtls-reference")
      .allowSubjectAttribute("CN", "*")
      .addDns("*.example.org")
      .addDns("localhost")
      .addIp("127.0.0.1")
      .addEmail("@example.org")
      .addUri("spiffe://example.org/*")
      .build();

  @Test
  void permits_names_that_match_its_patterns() {
    assertThatCode(() -> policy.check(SUBJECT, List.of(
        SubjectAltName.dns("api.example.org"),
        SubjectAltName.dns("localhost"),
        SubjectAltName.ip("127.0.0.1"),
        SubjectAltName.email("Alice@Example.org"),
        SubjectAltName.uri("spiffe://example.org/ns/default/sa/api")))).doesNotThrowAnyException();
  }

  @Test
  void refuses_dns_name_outside_the_patterns() {
    assertThatThrownBy(() -> policy.check(SUBJECT, List.of(SubjectAltName.dns("api.evil.com"))))
        .isInstanceOf(RequestRefusedException.class)
        .hasMessage("subject alternative name DNS:api.evil.com is not allowed by the policy "
            + "(permitted: [*.example.org, localhost])");
  }

  @Test
  void dns_wildcard_pattern_covers_exactly_one_label() {
    assertThatThrownBy(() -> policy.check(SUBJECT, List.of(SubjectAltName.dns("a.b.example.org"))))
        .isInstanceOf(RequestRefusedException.class)
        .hasMessageStartingWith("subject alternative name DNS:a.b.example.org is not allowed by the policy");
    assertThatThrownBy(() -> policy.check(SUBJECT, List.of(SubjectAltName.dns("example.org"))))
        .isInstanceOf(RequestRefusedException.class)
        .hasMessageStartingWith("subject alternative name DNS:example.org is not allowed by the policy");
    assertThatThrownBy(() -> policy.check(SUBJECT, List.of(SubjectAltName.dns("evilexample.org"))))
        .isInstanceOf(RequestRefusedException.class);
  }

  @Test
  void refuses_uri_outside_the_prefix() {
    assertThatThrownBy(() -> policy.check(SUBJECT, List.of(SubjectAltName.uri("spiffe://evil.org/sa/api"))))
        .isInstanceOf(RequestRefusedException.class)
        .hasMessage("subject alternative name URI:spiffe://evil.org/sa/api is not allowed by the policy "
            + "(permitted: [spiffe://example.org/*])");
  }

  @Test
  void refuses_email_outside_the_domain() {
    assertThatThrownBy(() -> policy.check(SUBJECT, List.of(SubjectAltName.email("alice@example.org.evil.com"))))
        .isInstanceOf(RequestRefusedException.class)
        .hasMessage("subject alternative name EMAIL:alice@example.org.evil.com is not allowed by the policy "
            + "(permitted: [@example.org])");
  }

  @Test
  void refuses_ip_not_listed() {
    assertThatThrownBy(() -> policy.check(SUBJECT, List.of(SubjectAltName.ip("10.0.0.1"))))
        .isInstanceOf(RequestRefusedException.class)
        .hasMessage("subject alternative name IP:10.0.0.1 is not allowed by the policy (permitted: [127.0.0.1])");
  }

  @Test
  void refuses_name_type_with_no_patterns_at_all() {
    NamePolicy dnsOnly = NamePolicy.builder().allowSubjectAttribute("CN", "*").allowSubjectAttribute("O", "*")
        .addDns("*.example.org").build();

    assertThatThrownBy(() -> dnsOnly.check(SUBJECT, List.of(SubjectAltName.email("alice@example.org"))))
        .isInstanceOf(RequestRefusedException.class)
        .hasMessage("subject alternative name EMAIL:alice@example.org is not allowed by the policy "
            + "(no EMAIL names are permitted)");
  }

  @Test
  void refuses_subject_without_the_required_attribute() {
    assertThatThrownBy(() -> policy.check(new X500Principal("CN=svc,O=other"), List.of()))
        .isInstanceOf(RequestRefusedException.class)
        .hasMessage("subject CN=svc,O=other is not allowed: policy requires O=mtls-reference");
  }

  @Test
  void escaped_comma_in_the_common_name_does_not_satisfy_a_required_ou() {
    NamePolicy admins = NamePolicy.builder().requireSubjectAttribute("OU", "admins").allowSubjectAttribute("CN", "*")
        .allowSubjectAttribute("OU", "readers").build();

    assertThatThrownBy(() -> admins.check(new X500Principal("CN=bob\\,OU=admins,OU=readers"), List.of()))
        .isInstanceOf(RequestRefusedException.class)
        // RFC 2253 output escapes the '=' inside the CN value as well.
        .hasMessage("subject CN=bob\\,OU\\=admins,OU=readers is not allowed: policy requires OU=admins");
    assertThatCode(() -> admins.check(new X500Principal("CN=alice,OU=admins"), List.of()))
        .doesNotThrowAnyException();
  }

  @Test
  void refuses_subject_with_the_required_attribute_twice() {
    assertThatThrownBy(() -> policy.check(new X500Principal("CN=svc,O=mtls-reference,O=other"), List.of()))
        .isInstanceOf(RequestRefusedException.class)
        .hasMessage("subject CN=svc,O=mtls-reference,O=other is not allowed: policy requires O=mtls-reference");
  }

  @Test
  void control_characters_in_a_refused_subject_are_escaped() {
    assertThatThrownBy(() -> policy.check(new X500Principal("CN=svc\nFAKE,O=other"), List.of()))
        .isInstanceOf(RequestRefusedException.class)
        .hasMessage("subject CN=svc\\u000AFAKE,O=other is not allowed: policy requires O=mtls-reference");
  }

  @Test
  void ca_refuses_to_sign_a_request_with_a_disallowed_name() {
    CertificateAuthority ca = CertificateAuthority.createRoot("CN=Policy Root").createIntermediate("CN=Policy CA");
    KeyPair keyPair = KeyAlgorithm.EC_P256.generate();
    Csr csr = Csr.create(keyPair, SUBJECT, List.of(SubjectAltName.dns("www.evil.com")));

    assertThatThrownBy(() -> ca.sign(csr, Profile.SERVER, policy, null))
        .isInstanceOf(RequestRefusedException.class)
        .hasMessage("subject alternative name DNS:www.evil.com is not allowed by the policy "
            + "(permitted: [*.example.org, localhost])");
  }

  @Test
  void permit_all_allows_any_well_formed_name() {
    assertThatCode(() -> NamePolicy.permitAll().check(new X500Principal("CN=anything"),
        List.of(SubjectAltName.dns("x.y.z"), SubjectAltName.ip("::1")))).doesNotThrowAnyException();
  }

  @Test
  void refuses_a_subject_attribute_the_policy_does_not_list() {
    NamePolicy readersAndAdmins = NamePolicy.builder().allowSubjectAttribute("CN", "*")
        .allowSubjectAttribute("OU", "readers").allowSubjectAttribute("OU", "admins").build();

    assertThatCode(() -> readersAndAdmins.check(new X500Principal("CN=bob,OU=readers"), List.of()))
        .doesNotThrowAnyException();
    assertThatThrownBy(() -> readersAndAdmins.check(new X500Principal("CN=bob,OU=ops"), List.of()))
        .isInstanceOf(RequestRefusedException.class)
        .hasMessage("subject attribute OU=ops is not allowed by the policy (allowed: CN=*, OU=readers, OU=admins)");
    assertThatThrownBy(() -> readersAndAdmins.check(new X500Principal("CN=bob,OU=readers,O=Evil Corp"), List.of()))
        .isInstanceOf(RequestRefusedException.class)
        .hasMessage("subject attribute O=Evil Corp is not allowed by the policy (allowed: CN=*, OU=readers,"
            + " OU=admins)");
  }
}
