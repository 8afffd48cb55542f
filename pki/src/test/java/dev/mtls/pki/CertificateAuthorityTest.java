package dev.mtls.pki;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mtls.pki.material.SubjectAltName;
import java.math.BigInteger;
import java.security.cert.CRLReason;
import java.security.cert.CertPathValidator;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509CRL;
import java.security.cert.X509CRLEntry;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import javax.security.auth.x500.X500Principal;
import org.bouncycastle.asn1.x509.AccessDescription;
import org.bouncycastle.asn1.x509.AuthorityInformationAccess;
import org.bouncycastle.asn1.x509.AuthorityKeyIdentifier;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.CRLDistPoint;
import org.bouncycastle.asn1.x509.CRLNumber;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.asn1.x509.SubjectKeyIdentifier;
import org.bouncycastle.cert.X509CRLHolder;
import org.bouncycastle.cert.X509CertificateHolder;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

class CertificateAuthorityTest {
  private static final Instant NOW = Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
  private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);

  private static CertificateAuthority root;
  private static CertificateAuthority intermediate;
  private static IssuedCertificate server;
  private static IssuedCertificate client;

  @BeforeAll
  static void authorities() {
    root = CertificateAuthority.createRoot(new X500Principal("CN=Test Root,O=mtls-reference"), KeyAlgorithm.EC_P256,
        CertificateAuthority.ROOT_VALIDITY, CLOCK);
    intermediate = root.createIntermediate("CN=Test Intermediate,O=mtls-reference");
    server = intermediate.issue(CertificateSpec.server("CN=localhost")
        .addSubjectAltName(SubjectAltName.dns("localhost"))
        .addSubjectAltName(SubjectAltName.ip("127.0.0.1"))
        .addSubjectAltName(SubjectAltName.ip("::1"))
        .build());
    client = intermediate.issue(CertificateSpec.client("CN=alice,OU=admins,O=mtls-reference").build());
  }

  @Test
  void refuses_a_leaf_named_like_a_ca_of_its_chain() {
    for (String name : List.of("CN=Test Intermediate,O=mtls-reference", "CN=Test Root,O=mtls-reference")) {
      assertThatThrownBy(() -> intermediate.issue(CertificateSpec.client(name).build()))
          .isInstanceOf(RequestRefusedException.class)
          .hasMessageContaining("is the name of a CA in this chain");
    }
  }

  @Test
  void root_is_a_critical_ca_with_path_length_1() throws Exception {
    X509CertificateHolder holder = holder(root.certificate());

    Extension basic = holder.getExtension(Extension.basicConstraints);
    assertThat(basic.isCritical()).isTrue();
    BasicConstraints constraints = BasicConstraints.getInstance(basic.getParsedValue());
    assertThat(constraints.isCA()).isTrue();
    assertThat(constraints.getPathLenConstraint()).isEqualTo(BigInteger.ONE);
    assertThat(root.certificate().getBasicConstraints()).isEqualTo(1);
  }

  @Test
  void root_key_usage_is_cert_sign_and_crl_sign_critical() throws Exception {
    X509CertificateHolder holder = holder(root.certificate());

    Extension usage = holder.getExtension(Extension.keyUsage);
    assertThat(usage.isCritical()).isTrue();
    assertThat(usage.getParsedValue()).isEqualTo(new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
  }

  @Test
  void root_is_self_signed_with_subject_key_identifier() throws Exception {
    X509Certificate certificate = root.certificate();

    assertThat(certificate.getIssuerX500Principal()).isEqualTo(certificate.getSubjectX500Principal());
    assertThatCode(() -> certificate.verify(certificate.getPublicKey())).doesNotThrowAnyException();
    assertThat(subjectKeyId(certificate)).hasSize(20);
    assertThat(root.chain()).containsExactly(certificate);
  }

  @Test
  void root_validity_starts_five_minutes_back_and_lasts_as_asked() {
    assertThat(root.certificate().getNotBefore().toInstant()).isEqualTo(NOW.minus(Duration.ofMinutes(5)));
    assertThat(root.certificate().getNotAfter().toInstant())
        .isEqualTo(NOW.minus(Duration.ofMinutes(5)).plus(CertificateAuthority.ROOT_VALIDITY));
  }

  @Test
  void intermediate_has_path_length_0_and_authority_key_id_of_root() throws Exception {
    X509CertificateHolder holder = holder(intermediate.certificate());

    Extension basic = holder.getExtension(Extension.basicConstraints);
    assertThat(basic.isCritical()).isTrue();
    BasicConstraints constraints = BasicConstraints.getInstance(basic.getParsedValue());
    assertThat(constraints.isCA()).isTrue();
    assertThat(constraints.getPathLenConstraint()).isEqualTo(BigInteger.ZERO);
    assertThat(holder.getExtension(Extension.keyUsage).isCritical()).isTrue();
    assertThat(holder.getExtension(Extension.keyUsage).getParsedValue())
        .isEqualTo(new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
    assertThat(authorityKeyId(intermediate.certificate())).isEqualTo(subjectKeyId(root.certificate()));
    assertThat(subjectKeyId(intermediate.certificate())).isNotEqualTo(subjectKeyId(root.certificate()));
    assertThat(intermediate.certificate().getIssuerX500Principal())
        .isEqualTo(root.certificate().getSubjectX500Principal());
    assertThatCode(() -> intermediate.certificate().verify(root.certificate().getPublicKey()))
        .doesNotThrowAnyException();
    assertThat(intermediate.chain()).containsExactly(intermediate.certificate(), root.certificate());
  }

  @Test
  void intermediate_cannot_create_another_ca() {
    assertThatThrownBy(() -> intermediate.createIntermediate("CN=Too Deep"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("this CA has pathLen 0 and cannot create another CA");
  }

  @Test
  void server_certificate_has_server_auth_only_and_dns_and_ip_names() throws Exception {
    X509Certificate certificate = server.certificate();

    assertThat(certificate.getExtendedKeyUsage()).containsExactly(KeyPurposeId.id_kp_serverAuth.getId());
    assertThat(certificate.getSubjectAlternativeNames()).containsExactlyInAnyOrder(
        List.of(GeneralName.dNSName, "localhost"),
        List.of(GeneralName.iPAddress, "127.0.0.1"),
        List.of(GeneralName.iPAddress, "0:0:0:0:0:0:0:1"));
    assertThat(certificate.getBasicConstraints()).isEqualTo(-1);
    X509CertificateHolder holder = holder(certificate);
    assertThat(holder.getExtension(Extension.basicConstraints).isCritical()).isTrue();
    assertThat(BasicConstraints.getInstance(holder.getExtension(Extension.basicConstraints).getParsedValue()).isCA())
        .isFalse();
    assertThat(holder.getExtension(Extension.subjectAlternativeName).isCritical()).isFalse();
  }

  @Test
  void ec_server_key_usage_is_digital_signature_only() throws Exception {
    Extension usage = holder(server.certificate()).getExtension(Extension.keyUsage);

    assertThat(usage.isCritical()).isTrue();
    assertThat(usage.getParsedValue()).isEqualTo(new KeyUsage(KeyUsage.digitalSignature));
  }

  @Test
  void rsa_server_key_usage_adds_key_encipherment_but_rsa_client_does_not() throws Exception {
    IssuedCertificate rsaServer = intermediate.issue(CertificateSpec.server("CN=rsa.example.org")
        .addSubjectAltName(SubjectAltName.dns("rsa.example.org")).keyAlgorithm(KeyAlgorithm.RSA_2048).build());
    IssuedCertificate rsaClient = intermediate.issue(CertificateSpec.client("CN=rsa-client")
        .keyAlgorithm(KeyAlgorithm.RSA_2048).build());

    assertThat(holder(rsaServer.certificate()).getExtension(Extension.keyUsage).getParsedValue())
        .isEqualTo(new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyEncipherment));
    assertThat(holder(rsaClient.certificate()).getExtension(Extension.keyUsage).getParsedValue())
        .isEqualTo(new KeyUsage(KeyUsage.digitalSignature));
  }

  @Test
  void client_certificate_has_client_auth_only_and_keeps_its_subject() throws Exception {
    X509Certificate certificate = client.certificate();

    assertThat(certificate.getExtendedKeyUsage()).containsExactly(KeyPurposeId.id_kp_clientAuth.getId());
    assertThat(holder(certificate).getExtension(Extension.keyUsage).getParsedValue())
        .isEqualTo(new KeyUsage(KeyUsage.digitalSignature));
    assertThat(certificate.getSubjectX500Principal())
        .isEqualTo(new X500Principal("CN=alice,OU=admins,O=mtls-reference"));
    assertThat(certificate.getBasicConstraints()).isEqualTo(-1);
    assertThat(certificate.getSubjectAlternativeNames()).isNull();
  }

  @Test
  void client_certificate_carries_optional_email_uri_and_dns_names() throws Exception {
    IssuedCertificate withNames = intermediate.issue(CertificateSpec.client("CN=bob,OU=readers")
        .addSubjectAltName(SubjectAltName.email("bob@example.org"))
        .addSubjectAltName(SubjectAltName.uri("spiffe://example.org/bob"))
        .addSubjectAltName(SubjectAltName.dns("bob.example.org"))
        .build());

    assertThat(withNames.certificate().getSubjectAlternativeNames()).containsExactlyInAnyOrder(
        List.of(GeneralName.rfc822Name, "bob@example.org"),
        List.of(GeneralName.uniformResourceIdentifier, "spiffe://example.org/bob"),
        List.of(GeneralName.dNSName, "bob.example.org"));
  }

  @Test
  void leaves_have_authority_key_id_of_the_intermediate_and_verify() throws Exception {
    assertThat(authorityKeyId(server.certificate())).isEqualTo(subjectKeyId(intermediate.certificate()));
    assertThat(subjectKeyId(server.certificate())).hasSize(20);
    assertThat(server.chain()).containsExactly(server.certificate(), intermediate.certificate());
    assertThatCode(() -> pkixValidate(server.chain(), root.certificate())).doesNotThrowAnyException();
    assertThatCode(() -> pkixValidate(client.chain(), root.certificate())).doesNotThrowAnyException();
  }

  @Test
  void serials_are_positive_at_least_64_bits_and_distinct() {
    BigInteger first = server.certificate().getSerialNumber();
    BigInteger second = client.certificate().getSerialNumber();

    for (BigInteger serial : List.of(first, second, root.certificate().getSerialNumber(),
        intermediate.certificate().getSerialNumber())) {
      assertThat(serial.signum()).isEqualTo(1);
      assertThat(serial.bitLength()).isGreaterThanOrEqualTo(64);
      // RFC 5280 4.1.2.2: at most 20 octets.
      assertThat(serial.toByteArray().length).isLessThanOrEqualTo(20);
    }
    assertThat(first).isNotEqualTo(second);
  }

  @Test
  void leaf_default_validity_is_90_days_from_five_minutes_ago() {
    Instant notBefore = NOW.minus(Duration.ofMinutes(5));

    assertThat(server.certificate().getNotBefore().toInstant()).isEqualTo(notBefore);
    assertThat(server.certificate().getNotAfter().toInstant()).isEqualTo(notBefore.plus(Duration.ofDays(90)));
  }

  @ParameterizedTest
  @CsvSource({"PT10S, PT1S", "PT10M, PT1M", "PT1H, PT5M", "PT24H, PT5M"})
  void backdates_a_short_lived_leaf_by_a_tenth_of_its_lifetime_at_most_five_minutes(Duration lifetime,
      Duration backdated) {
    IssuedCertificate leaf = intermediate.issue(CertificateSpec.client("CN=short-lived").validity(lifetime).build());

    assertThat(leaf.certificate().getNotBefore().toInstant()).isEqualTo(NOW.minus(backdated));
    assertThat(leaf.certificate().getNotAfter().toInstant()).isEqualTo(NOW.minus(backdated).plus(lifetime));
  }

  @Test
  void nothing_outlives_its_issuer() {
    CertificateAuthority shortRoot = CertificateAuthority.createRoot(new X500Principal("CN=Short Root"),
        KeyAlgorithm.EC_P256, Duration.ofDays(30), CLOCK);
    CertificateAuthority clampedIntermediate = shortRoot.createIntermediate("CN=Clamped Intermediate");
    IssuedCertificate leaf = clampedIntermediate.issue(CertificateSpec.client("CN=long-lived")
        .validity(Duration.ofDays(365)).build());

    Instant rootEnd = shortRoot.certificate().getNotAfter().toInstant();
    assertThat(clampedIntermediate.certificate().getNotAfter().toInstant()).isEqualTo(rootEnd);
    assertThat(leaf.certificate().getNotAfter().toInstant()).isEqualTo(rootEnd);
  }

  @Test
  void not_before_in_the_past_makes_an_expired_certificate() {
    IssuedCertificate expired = intermediate.issue(CertificateSpec.client("CN=expired")
        .notBefore(NOW.minus(Duration.ofDays(10))).validity(Duration.ofDays(1)).build());

    assertThatThrownBy(() -> expired.certificate().checkValidity(java.util.Date.from(NOW)))
        .isInstanceOf(CertificateExpiredException.class);
  }

  @Test
  void refuses_server_certificate_without_subject_alternative_name() {
    assertThatThrownBy(() -> intermediate.issue(CertificateSpec.server("CN=localhost").build()))
        .isInstanceOf(RequestRefusedException.class)
        .hasMessage("a server certificate needs at least one DNS or IP subject alternative name: "
            + "clients verify the host name against the SANs, not the CN");
  }

  @Test
  void refuses_server_certificate_with_only_an_email_name() {
    assertThatThrownBy(() -> intermediate.issue(CertificateSpec.server("CN=localhost")
        .addSubjectAltName(SubjectAltName.email("ops@example.org")).build()))
        .isInstanceOf(RequestRefusedException.class)
        .hasMessageStartingWith("a server certificate needs at least one DNS or IP subject alternative name");
  }

  @Test
  void refuses_client_certificate_without_subject() {
    assertThatThrownBy(() -> intermediate.issue(CertificateSpec.client(new X500Principal("")).build()))
        .isInstanceOf(RequestRefusedException.class)
        .hasMessage("a client certificate needs a subject: servers map it to roles");
  }

  @Test
  void refuses_certificate_that_would_start_after_its_issuer_expires() {
    Instant issuerEnd = intermediate.certificate().getNotAfter().toInstant();

    assertThatThrownBy(() -> intermediate.issue(CertificateSpec.client("CN=late")
        .notBefore(issuerEnd.plus(Duration.ofDays(1))).build()))
        .isInstanceOf(RequestRefusedException.class)
        .hasMessage("the certificate would end before it starts: the issuing CA expires " + issuerEnd);
  }

  @ParameterizedTest
  @EnumSource(value = KeyAlgorithm.class, names = {"EC_P256", "EC_P384", "RSA_2048", "ED25519"})
  void each_key_algorithm_makes_a_chain_that_verifies(KeyAlgorithm algorithm) throws Exception {
    CertificateAuthority algorithmRoot = CertificateAuthority.createRoot(new X500Principal("CN=Root " + algorithm),
        algorithm, Duration.ofDays(365), Clock.systemUTC());
    CertificateAuthority algorithmIntermediate = algorithmRoot.createIntermediate(
        new X500Principal("CN=Intermediate " + algorithm), algorithm, Duration.ofDays(180));
    IssuedCertificate leaf = algorithmIntermediate.issue(CertificateSpec.server("CN=localhost")
        .addSubjectAltName(SubjectAltName.dns("localhost")).keyAlgorithm(algorithm).build());

    assertThat(leaf.certificate().getPublicKey().getAlgorithm())
        .isEqualTo(algorithm == KeyAlgorithm.ED25519 ? "EdDSA" : algorithm.name().startsWith("EC") ? "EC" : "RSA");
    assertThat(leaf.certificate().getSigAlgName()).isEqualTo(switch (algorithm) {
      case EC_P256 -> "SHA256withECDSA";
      case EC_P384 -> "SHA384withECDSA";
      case RSA_2048 -> "SHA256withRSA";
      default -> "Ed25519";
    });
    assertThatCode(() -> pkixValidate(leaf.chain(), algorithmRoot.certificate())).doesNotThrowAnyException();
    assertThatCode(leaf::identity).doesNotThrowAnyException();
  }

  @Test
  void crl_is_v2_with_number_authority_key_id_dates_and_reasons() throws Exception {
    IssuedCertificate compromised = intermediate.issue(CertificateSpec.client("CN=mallory").build());
    IssuedCertificate unspecified = intermediate.issue(CertificateSpec.client("CN=carol").build());
    Instant thisUpdate = NOW;
    Instant nextUpdate = NOW.plus(Duration.ofDays(7));
    Instant revokedAt = NOW.minus(Duration.ofHours(1));

    X509CRL crl = intermediate.crl(List.of(
            new Revocation(compromised.certificate().getSerialNumber(), revokedAt, RevocationReason.KEY_COMPROMISE),
            new Revocation(unspecified.certificate().getSerialNumber(), revokedAt, RevocationReason.UNSPECIFIED)),
        BigInteger.valueOf(42), thisUpdate, nextUpdate);

    assertThat(crl.getVersion()).isEqualTo(2);
    assertThat(crl.getIssuerX500Principal()).isEqualTo(intermediate.certificate().getSubjectX500Principal());
    assertThatCode(() -> crl.verify(intermediate.certificate().getPublicKey())).doesNotThrowAnyException();
    assertThat(crl.getThisUpdate().toInstant()).isEqualTo(thisUpdate);
    assertThat(crl.getNextUpdate().toInstant()).isEqualTo(nextUpdate);
    X509CRLHolder holder = new X509CRLHolder(crl.getEncoded());
    assertThat(CRLNumber.getInstance(holder.getExtension(Extension.cRLNumber).getParsedValue()).getCRLNumber())
        .isEqualTo(BigInteger.valueOf(42));
    assertThat(AuthorityKeyIdentifier.fromExtensions(holder.getExtensions()).getKeyIdentifier())
        .isEqualTo(subjectKeyId(intermediate.certificate()));

    X509CRLEntry entry = crl.getRevokedCertificate(compromised.certificate());
    assertThat(entry.getRevocationDate().toInstant()).isEqualTo(revokedAt);
    assertThat(entry.getRevocationReason()).isEqualTo(CRLReason.KEY_COMPROMISE);
    // RFC 5280 5.3.1: the reason code SHOULD be absent rather than "unspecified".
    assertThat(crl.getRevokedCertificate(unspecified.certificate()).getRevocationReason()).isNull();
    assertThat(crl.isRevoked(compromised.certificate())).isTrue();
    assertThat(crl.isRevoked(server.certificate())).isFalse();
  }

  @Test
  void empty_crl_is_still_v2() {
    X509CRL crl = intermediate.crl(List.of(), BigInteger.ONE, NOW, NOW.plus(Duration.ofDays(1)));

    assertThat(crl.getVersion()).isEqualTo(2);
    assertThat(crl.getRevokedCertificates()).isNull();
  }

  @Test
  void crl_distribution_point_is_added_when_configured() throws Exception {
    String url = "http://pki.example.org/intermediate.crl";
    IssuedCertificate withPoint = intermediate.withCrlDistributionPoint(url)
        .issue(CertificateSpec.client("CN=dave").build());

    CRLDistPoint points = CRLDistPoint.fromExtensions(holder(withPoint.certificate()).getExtensions());
    GeneralNames names = GeneralNames.getInstance(points.getDistributionPoints()[0].getDistributionPoint().getName());
    assertThat(names.getNames()).containsExactly(new GeneralName(GeneralName.uniformResourceIdentifier, url));
    assertThat(holder(client.certificate()).getExtension(Extension.cRLDistributionPoints)).isNull();
  }

  @Test
  void ocsp_responder_is_named_in_authority_information_access_when_configured() throws Exception {
    String url = "http://ocsp.example.org/";
    IssuedCertificate located = intermediate.withCrlDistributionPoint("http://pki.example.org/i.crl")
        .withOcspResponder(url).issue(CertificateSpec.client("CN=erin").build());

    AuthorityInformationAccess aia = AuthorityInformationAccess.fromExtensions(
        holder(located.certificate()).getExtensions());
    assertThat(aia.getAccessDescriptions()).singleElement().satisfies(description -> {
      assertThat(description.getAccessMethod()).isEqualTo(AccessDescription.id_ad_ocsp);
      assertThat(description.getAccessLocation()).isEqualTo(new GeneralName(GeneralName.uniformResourceIdentifier, url));
    });
    assertThat(CRLDistPoint.fromExtensions(holder(located.certificate()).getExtensions())).isNotNull();
    assertThat(holder(client.certificate()).getExtension(Extension.authorityInfoAccess)).isNull();
    assertThatThrownBy(() -> intermediate.withOcspResponder("not a url"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void profile_extensions_cannot_be_widened_by_the_spec() throws Exception {
    ExtendedKeyUsage eku = ExtendedKeyUsage.fromExtensions(holder(client.certificate()).getExtensions());

    assertThat(eku.getUsages()).containsExactly(KeyPurposeId.id_kp_clientAuth);
  }

  @Test
  void renewal_keeps_subject_and_names_with_a_new_serial() throws Exception {
    X509Certificate renewed = intermediate.renew(server.certificate(), null, Duration.ofDays(30));

    assertThat(renewed.getSubjectX500Principal()).isEqualTo(server.certificate().getSubjectX500Principal());
    assertThat(renewed.getSubjectAlternativeNames())
        .containsExactlyElementsOf(server.certificate().getSubjectAlternativeNames());
    assertThat(renewed.getPublicKey()).isEqualTo(server.certificate().getPublicKey());
    assertThat(renewed.getSerialNumber()).isNotEqualTo(server.certificate().getSerialNumber());
    assertThat(renewed.getExtendedKeyUsage()).containsExactly(KeyPurposeId.id_kp_serverAuth.getId());
    assertThat(Duration.between(renewed.getNotBefore().toInstant(), renewed.getNotAfter().toInstant()))
        .isEqualTo(Duration.ofDays(30));
  }

  @Test
  void renewal_with_a_new_key_certifies_the_new_key() throws Exception {
    java.security.PublicKey newKey = KeyAlgorithm.EC_P256.generate().getPublic();

    X509Certificate renewed = intermediate.renew(client.certificate(), newKey, null);

    assertThat(renewed.getPublicKey()).isEqualTo(newKey);
    assertThat(renewed.getExtendedKeyUsage()).containsExactly(KeyPurposeId.id_kp_clientAuth.getId());
  }

  @Test
  void loading_a_ca_refuses_a_leaf_and_a_mismatched_key() {
    assertThatThrownBy(() -> CertificateAuthority.of(server.chain(), server.keyPair().getPrivate(), CLOCK))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("not a CA certificate: CN=localhost");
    assertThatThrownBy(() -> CertificateAuthority.of(intermediate.chain(), root.privateKey(), CLOCK))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("the CA private key does not match the CA certificate");
    assertThat(CertificateAuthority.of(intermediate.chain(), intermediate.privateKey(), CLOCK).certificate())
        .isEqualTo(intermediate.certificate());
  }

  static X509CertificateHolder holder(X509Certificate certificate) throws Exception {
    return new X509CertificateHolder(certificate.getEncoded());
  }

  static byte[] subjectKeyId(X509Certificate certificate) throws Exception {
    return SubjectKeyIdentifier.fromExtensions(holder(certificate).getExtensions()).getKeyIdentifier();
  }

  static byte[] authorityKeyId(X509Certificate certificate) throws Exception {
    return AuthorityKeyIdentifier.fromExtensions(holder(certificate).getExtensions()).getKeyIdentifier();
  }

  /** JDK PKIX validation without revocation checking, as JSSE does by default. */
  static void pkixValidate(List<X509Certificate> chain, X509Certificate anchor) throws Exception {
    PKIXParameters parameters = new PKIXParameters(Set.of(new TrustAnchor(anchor, null)));
    parameters.setRevocationEnabled(false);
    CertPathValidator.getInstance("PKIX").validate(
        CertificateFactory.getInstance("X.509").generateCertPath(new ArrayList<>(chain)), parameters);
  }
}
