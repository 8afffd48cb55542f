package dev.mtls.pki.material;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class SubjectAltNameTest {

  @Test
  void parses_prefixed_and_bare_forms() {
    assertThat(SubjectAltName.parse("dns:LocalHost")).isEqualTo(SubjectAltName.dns("localhost"));
    assertThat(SubjectAltName.parse("ip:127.0.0.1")).isEqualTo(new SubjectAltName(SubjectAltName.Type.IP, "127.0.0.1"));
    assertThat(SubjectAltName.parse("::1")).isEqualTo(new SubjectAltName(SubjectAltName.Type.IP, "0:0:0:0:0:0:0:1"));
    assertThat(SubjectAltName.parse("10.1.2.3").type()).isEqualTo(SubjectAltName.Type.IP);
    assertThat(SubjectAltName.parse("api.example.org").type()).isEqualTo(SubjectAltName.Type.DNS);
    assertThat(SubjectAltName.parse("email:alice@example.org").type()).isEqualTo(SubjectAltName.Type.EMAIL);
    assertThat(SubjectAltName.parse("uri:spiffe://example.org/alice").value()).isEqualTo("spiffe://example.org/alice");
  }

  @Test
  void dns_names_are_lower_cased_and_may_have_a_leading_wildcard() {
    assertThat(SubjectAltName.dns("API.Example.ORG").value()).isEqualTo("api.example.org");
    assertThat(SubjectAltName.dns("*.example.org").value()).isEqualTo("*.example.org");
  }

  @Test
  void refuses_malformed_dns_name() {
    assertThatThrownBy(() -> SubjectAltName.dns("bad name"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("not a valid DNS name: 'bad name'");
    assertThatThrownBy(() -> SubjectAltName.dns("a.*.example.org"))
        .hasMessage("not a valid DNS name: 'a.*.example.org'");
  }

  @Test
  void refuses_host_name_as_ip_without_resolving_it() {
    assertThatThrownBy(() -> SubjectAltName.ip("localhost"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("not an IP address literal: 'localhost'");
  }

  @Test
  void refuses_malformed_email_and_uri() {
    assertThatThrownBy(() -> SubjectAltName.email("alice"))
        .hasMessage("not an email address: 'alice'");
    assertThatThrownBy(() -> SubjectAltName.uri("no-scheme/path"))
        .hasMessage("URI has no scheme: 'no-scheme/path'");
    assertThatThrownBy(() -> SubjectAltName.uri("spiffe://bad uri"))
        .hasMessage("not a valid URI: 'spiffe://bad uri'");
  }

  @Test
  void prints_as_type_and_value() {
    assertThat(SubjectAltName.dns("localhost")).hasToString("DNS:localhost");
  }
}
