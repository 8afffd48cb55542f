package dev.mtls.pki.material.internal.revocation;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mtls.testing.pki.TestPki;
import java.net.URI;
import java.security.cert.X509Certificate;
import org.junit.jupiter.api.Test;

class LocationsTest {
  private final TestPki pki = TestPki.create();

  @Test
  void finds_the_ocsp_responder_and_the_distribution_point_a_certificate_names() {
    X509Certificate named = pki.issuing.issue("CN=named").client().ocspUrl("http://ca.example/ocsp")
        .crlUrl("https://ca.example/issuing.crl").build().certificate();

    assertThat(Locations.ocsp(named)).containsExactly(URI.create("http://ca.example/ocsp"));
    assertThat(Locations.crlDistributionPoints(named)).containsExactly(URI.create("https://ca.example/issuing.crl"));
  }

  @Test
  void names_nothing_for_a_certificate_without_locations() {
    X509Certificate plain = pki.client("CN=plain").certificate();

    assertThat(Locations.ocsp(plain)).isEmpty();
    assertThat(Locations.crlDistributionPoints(plain)).isEmpty();
  }

  @Test
  void ignores_locations_that_are_not_http() {
    X509Certificate ldap = pki.issuing.issue("CN=ldap").client().ocspUrl("ldap://ca.example/ocsp")
        .crlUrl("ldap://ca.example/cn=Issuing?certificateRevocationList").build().certificate();

    assertThat(Locations.ocsp(ldap)).isEmpty();
    assertThat(Locations.crlDistributionPoints(ldap)).isEmpty();
  }
}
