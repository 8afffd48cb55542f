package dev.mtls.pki;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.mtls.pki.material.Identity;
import dev.mtls.pki.material.KeyEncryption;
import dev.mtls.pki.material.SubjectAltName;
import dev.mtls.pki.material.reload.ReloadingKeyManager;
import dev.mtls.pki.material.trust.TlsPolicy;
import dev.mtls.testing.MutableClock;
import dev.mtls.testing.Recorder;
import dev.mtls.testing.pki.Keys;
import java.io.IOException;
import java.math.BigInteger;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyStore;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.HttpsURLConnection;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import javax.security.auth.x500.X500Principal;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.est.ESTException;
import org.bouncycastle.est.ESTService;
import org.bouncycastle.est.EnrollmentResponse;
import org.bouncycastle.est.HttpAuth;
import org.bouncycastle.est.jcajce.JsseESTServiceBuilder;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The CA's EST service over HTTPS, asked by BouncyCastle's EST client (org.bouncycastle.est). */
class EstServerTest {
  private static final char[] PASSWORD = "ca-password".toCharArray();
  private static final X500Principal DEVICE = new X500Principal("CN=device-1,O=Example");
  private static final List<SubjectAltName> DEVICE_NAMES = List.of(SubjectAltName.dns("device-1.example.org"));

  @TempDir Path dir;
  private final MutableClock clock = MutableClock.now();
  private final Recorder<EstEvent> events = new Recorder<>();
  private CaDirectory ca;
  private PublicationServer server;

  @BeforeEach
  void start() {
    ca = CaDirectory.init(dir.resolve("ca"), PASSWORD, CaDirectory.InitOptions.defaults("EST Test")
        .withKeyEncryption(KeyEncryption.forTests()), false, clock);
    Identity serverIdentity = ca.estServerIdentity(List.of(SubjectAltName.dns("localhost"),
        SubjectAltName.ip("127.0.0.1")), Duration.ofDays(30));
    server = PublicationServer.builder()
        .tls(new ReloadingKeyManager(serverIdentity))
        .est(PublicationServer.EST_PATH, EstService.forCa(ca, Duration.ofHours(24), clock).observedBy(events))
        .start();
  }

  @AfterEach
  void stop() {
    server.close();
    ca.close();
  }

  @Test
  void serves_ca_certificates_to_the_bouncycastle_est_client() throws Exception {
    List<X509Certificate> served = certificates(client(null).getCACerts().getCertificateStore().getMatches(null));

    assertThat(served).containsExactlyInAnyOrder(ca.intermediate(), ca.root());
  }

  @Test
  void enrolls_with_a_token_then_reenrolls_over_mtls_with_the_bouncycastle_client() throws Exception {
    EnrolmentToken token = token(DEVICE, DEVICE_NAMES);
    KeyPair first = Keys.ec();

    X509Certificate enrolled = enroll(first, DEVICE, DEVICE_NAMES, token);

    assertThat(enrolled.getSubjectX500Principal()).isEqualTo(DEVICE);
    assertThat(SubjectAltName.of(enrolled)).isEqualTo(DEVICE_NAMES);
    assertThat(enrolled.getPublicKey()).isEqualTo(first.getPublic());
    assertThat(Duration.between(enrolled.getNotBefore().toInstant(), enrolled.getNotAfter().toInstant()))
        .isLessThanOrEqualTo(Duration.ofHours(24).plusMinutes(5));
    enrolled.verify(ca.intermediate().getPublicKey());
    assertThat(ca.entry(enrolled.getSerialNumber())).isPresent();
    assertThat(events.awaitFirst(EstEvent.class, EstEvent::issued).serial()).isEqualTo(enrolled.getSerialNumber());

    KeyPair second = Keys.ec();
    X509Certificate renewed = reenroll(identity(first, enrolled), second, DEVICE, DEVICE_NAMES);

    assertThat(renewed.getSerialNumber()).isNotEqualTo(enrolled.getSerialNumber());
    assertThat(renewed.getSubjectX500Principal()).isEqualTo(DEVICE);
    assertThat(SubjectAltName.of(renewed)).isEqualTo(DEVICE_NAMES);
    assertThat(renewed.getPublicKey()).isEqualTo(second.getPublic());
    assertThat(renewed.getExtendedKeyUsage()).isEqualTo(enrolled.getExtendedKeyUsage());
    assertThat(ca.entry(renewed.getSerialNumber())).isPresent();
    assertThat(events.awaitFirst(EstEvent.class, e -> e.operation() == EstEvent.Operation.REENROLL).serial())
        .isEqualTo(renewed.getSerialNumber());
  }

  @Test
  void answers_csrattrs_with_no_content() throws Exception {
    assertThat(client(null).getCSRAttributes().hasAttributesResponse()).isFalse();
  }

  @Test
  void rejects_a_token_used_twice() throws Exception {
    EnrolmentToken token = token(DEVICE, DEVICE_NAMES);
    enroll(Keys.ec(), DEVICE, DEVICE_NAMES, token);

    assertRefused(() -> enroll(Keys.ec(), DEVICE, DEVICE_NAMES, token), EstRefusal.USED_TOKEN);
  }

  @Test
  void rejects_an_unknown_token_and_a_wrong_secret() throws Exception {
    EnrolmentToken token = token(DEVICE, DEVICE_NAMES);
    EnrolmentToken wrongSecret = new EnrolmentToken(token.id(), token.secret() + "x", token.profile(), DEVICE,
        DEVICE_NAMES, token.expires());
    EnrolmentToken unknown = new EnrolmentToken("0011223344556677", token.secret(), token.profile(), DEVICE,
        DEVICE_NAMES, token.expires());

    assertRefused(() -> enroll(Keys.ec(), DEVICE, DEVICE_NAMES, wrongSecret), EstRefusal.UNKNOWN_TOKEN);
    events.clear();
    assertRefused(() -> enroll(Keys.ec(), DEVICE, DEVICE_NAMES, unknown), EstRefusal.UNKNOWN_TOKEN);
    assertThat(enroll(Keys.ec(), DEVICE, DEVICE_NAMES, token)).isNotNull();
  }

  @Test
  void rejects_an_expired_token() throws Exception {
    EnrolmentToken token = token(DEVICE, DEVICE_NAMES);
    clock.advance(Duration.ofHours(2));

    assertRefused(() -> enroll(Keys.ec(), DEVICE, DEVICE_NAMES, token), EstRefusal.EXPIRED_TOKEN);
  }

  @Test
  void rejects_an_enrolment_without_credentials() {
    assertRefused(() -> enroll(Keys.ec(), DEVICE, DEVICE_NAMES, null), EstRefusal.NO_CREDENTIALS);
  }

  @Test
  void rejects_an_enrolment_for_another_subject_or_other_names_than_the_token_and_keeps_the_token() throws Exception {
    EnrolmentToken token = token(DEVICE, DEVICE_NAMES);

    assertRefused(() -> enroll(Keys.ec(), new X500Principal("CN=admin,O=Example"), DEVICE_NAMES, token),
        EstRefusal.NAME_MISMATCH);
    events.clear();
    assertRefused(() -> enroll(Keys.ec(), DEVICE, List.of(SubjectAltName.dns("bank.example.org")), token),
        EstRefusal.NAME_MISMATCH);
    assertThat(enroll(Keys.ec(), DEVICE, DEVICE_NAMES, token)).isNotNull();
  }

  @Test
  void rejects_a_request_without_proof_of_possession() throws Exception {
    EnrolmentToken token = token(DEVICE, DEVICE_NAMES);
    byte[] der = Csr.create(Keys.ec(), DEVICE, DEVICE_NAMES).encoded();
    der[der.length - 3] ^= 0x01; // inside the signature: the request no longer proves the key

    assertRefused(() -> client(null).simpleEnroll(false, new PKCS10CertificationRequest(der),
        new HttpAuth(token.id(), token.secret().toCharArray())), EstRefusal.NO_PROOF_OF_POSSESSION);
  }

  @Test
  void rejects_a_weak_key() throws Exception {
    EnrolmentToken token = token(DEVICE, DEVICE_NAMES);

    assertRefused(() -> enroll(Keys.rsa(1024), DEVICE, DEVICE_NAMES, token), EstRefusal.WEAK_KEY);
  }

  @Test
  void rejects_reenrolment_with_an_expired_certificate() throws Exception {
    KeyPair key = Keys.ec();
    X509Certificate current = enroll(key, DEVICE, DEVICE_NAMES, token(DEVICE, DEVICE_NAMES));
    clock.advance(Duration.ofHours(25));

    assertRefused(() -> reenroll(identity(key, current), Keys.ec(), DEVICE, DEVICE_NAMES),
        EstRefusal.CERTIFICATE_EXPIRED);
  }

  @Test
  void rejects_reenrolment_with_a_revoked_certificate() throws Exception {
    KeyPair key = Keys.ec();
    X509Certificate current = enroll(key, DEVICE, DEVICE_NAMES, token(DEVICE, DEVICE_NAMES));
    ca.revoke(current.getSerialNumber(), RevocationReason.SUPERSEDED);

    assertRefused(() -> reenroll(identity(key, current), Keys.ec(), DEVICE, DEVICE_NAMES),
        EstRefusal.CERTIFICATE_REVOKED);
  }

  @Test
  void rejects_reenrolment_with_a_foreign_certificate() throws Exception {
    try (CaDirectory foreign = CaDirectory.init(dir.resolve("foreign"), PASSWORD, CaDirectory.InitOptions
        .defaults("EST Test").withKeyEncryption(KeyEncryption.forTests()), false, clock)) {
      IssuedCertificate impostor = foreign.issue(CertificateSpec.client(DEVICE).addSubjectAltName(DEVICE_NAMES.get(0))
          .build());

      assertRefused(() -> reenroll(impostor.identity(), Keys.ec(), DEVICE, DEVICE_NAMES),
          EstRefusal.CERTIFICATE_NOT_TRUSTED);
    }
  }

  @Test
  void rejects_reenrolment_without_a_client_certificate() {
    assertRefused(() -> client(null).simpleEnroll(true, request(Keys.ec(), DEVICE, DEVICE_NAMES), null),
        EstRefusal.NO_CREDENTIALS);
  }

  @Test
  void rejects_reenrolment_that_changes_the_subject_or_the_names() throws Exception {
    KeyPair key = Keys.ec();
    X509Certificate current = enroll(key, DEVICE, DEVICE_NAMES, token(DEVICE, DEVICE_NAMES));

    assertRefused(() -> reenroll(identity(key, current), Keys.ec(), new X500Principal("CN=admin,O=Example"),
        DEVICE_NAMES), EstRefusal.NAME_MISMATCH);
    events.clear();
    assertRefused(() -> reenroll(identity(key, current), Keys.ec(), DEVICE,
        List.of(SubjectAltName.dns("device-1.example.org"), SubjectAltName.dns("bank.example.org"))),
        EstRefusal.NAME_MISMATCH);
  }

  @Test
  void rejects_reenrolment_with_a_key_revoked_for_key_compromise() throws Exception {
    KeyPair stolen = Keys.ec();
    X509Certificate old = enroll(stolen, new X500Principal("CN=old,O=Example"), List.of(),
        token(new X500Principal("CN=old,O=Example"), List.of()));
    ca.revoke(old.getSerialNumber(), RevocationReason.KEY_COMPROMISE);
    KeyPair key = Keys.ec();
    X509Certificate current = enroll(key, DEVICE, DEVICE_NAMES, token(DEVICE, DEVICE_NAMES));

    assertRefused(() -> reenroll(identity(key, current), stolen, DEVICE, DEVICE_NAMES), EstRefusal.KEY_COMPROMISED);
  }

  @Test
  void rejects_reenrolment_with_the_same_key() throws Exception {
    KeyPair key = Keys.ec();
    X509Certificate current = enroll(key, DEVICE, DEVICE_NAMES, token(DEVICE, DEVICE_NAMES));

    assertRefused(() -> reenroll(identity(key, current), key, DEVICE, DEVICE_NAMES), EstRefusal.SAME_KEY);
  }

  @Test
  void answers_a_corrupt_token_file_with_ca_unavailable_naming_the_file_and_line() throws Exception {
    EnrolmentToken token = token(DEVICE, DEVICE_NAMES);
    Files.writeString(ca.directory().resolve("enrolment-tokens.tsv"), "not a token line\n",
        StandardOpenOption.APPEND);

    assertRefused(() -> enroll(Keys.ec(), DEVICE, DEVICE_NAMES, token), EstRefusal.CA_UNAVAILABLE);
    assertThat(events.awaitFirst(EstEvent.class, e -> e.refusal() == EstRefusal.CA_UNAVAILABLE).message())
        .contains("enrolment-tokens.tsv:3");
  }

  @Test
  void keeps_its_server_certificate_until_two_thirds_of_its_life_then_issues_and_records_a_new_one() {
    List<SubjectAltName> names = List.of(SubjectAltName.dns("localhost"), SubjectAltName.ip("127.0.0.1"));
    X509Certificate first = ca.estServerIdentity(names, Duration.ofDays(30)).certificate();

    clock.advance(Duration.ofDays(19));
    X509Certificate kept = ca.estServerIdentity(names, Duration.ofDays(30)).certificate();
    clock.advance(Duration.ofDays(2));
    X509Certificate renewed = ca.estServerIdentity(names, Duration.ofDays(30)).certificate();
    X509Certificate renamed = ca.estServerIdentity(List.of(SubjectAltName.dns("ca.example.org")), Duration.ofDays(30))
        .certificate();

    assertThat(kept).isEqualTo(first);
    assertThat(renewed.getSerialNumber()).isNotEqualTo(first.getSerialNumber());
    assertThat(SubjectAltName.of(renamed)).containsExactly(SubjectAltName.dns("ca.example.org"));
    assertThat(ca.entries()).extracting(IndexEntry::serial).contains(first.getSerialNumber(),
        renewed.getSerialNumber(), renamed.getSerialNumber());
  }

  @Test
  void answers_what_is_not_an_est_request_without_reading_it_all() throws Exception {
    String basic = "Basic " + Base64.getEncoder().encodeToString("a:b".getBytes(StandardCharsets.UTF_8));

    Answer huge = https("POST", "simpleenroll", "application/pkcs10", null, new byte[17 * 1024]);
    Answer wrongType = https("POST", "simpleenroll", "text/plain", null, "MIIB".getBytes(StandardCharsets.US_ASCII));
    Answer notBase64 = https("POST", "simpleenroll", "application/pkcs10", basic,
        "%%%".getBytes(StandardCharsets.US_ASCII));
    Answer get = https("GET", "simpleenroll", null, null, null);
    Answer unknown = https("GET", "serverkeygen", null, null, null);

    assertThat(huge.status()).isEqualTo(413);
    assertThat(wrongType.status()).isEqualTo(415);
    assertThat(notBase64.status()).isEqualTo(400);
    assertThat(notBase64.body()).startsWith("MALFORMED_REQUEST: ");
    assertThat(notBase64.refusal()).isEqualTo("MALFORMED_REQUEST");
    assertThat(get.status()).isEqualTo(405);
    assertThat(unknown.status()).isEqualTo(404);
  }

  private record Answer(int status, String refusal, String body) {}

  /** One request over HTTPS to the EST operation {@code operation}, as a plain client sends it. */
  private Answer https(String method, String operation, String type, String authorization, byte[] body)
      throws IOException {
    HttpsURLConnection connection = (HttpsURLConnection) URI.create("https://localhost:" + server.port()
        + "/.well-known/est/" + operation).toURL().openConnection();
    connection.setSSLSocketFactory(TlsPolicy.context(null, trusting(ca.root())).getSocketFactory());
    connection.setRequestMethod(method);
    if (type != null) {
      connection.setRequestProperty("Content-Type", type);
    }
    if (authorization != null) {
      connection.setRequestProperty("Authorization", authorization);
    }
    try {
      if (body != null) {
        connection.setDoOutput(true);
        try (var out = connection.getOutputStream()) {
          out.write(body);
        }
      }
      int status = connection.getResponseCode();
      var stream = status < 400 ? connection.getInputStream() : connection.getErrorStream();
      String text = stream == null ? "" : new String(stream.readAllBytes(), StandardCharsets.UTF_8);
      return new Answer(status, connection.getHeaderField("EST-Refusal"), text);
    } catch (IOException e) {
      // The server may close the connection while a body over the limit is still being sent.
      return new Answer(connection.getResponseCode(), null, "");
    } finally {
      connection.disconnect();
    }
  }

  @Test
  void concurrent_enrolments_get_distinct_serials_all_in_the_index() throws Exception {
    int threads = 8;
    List<Callable<X509Certificate>> enrolments = new ArrayList<>();
    for (int i = 0; i < threads; i++) {
      X500Principal subject = new X500Principal("CN=device-" + (100 + i) + ",O=Example");
      EnrolmentToken token = token(subject, List.of());
      enrolments.add(() -> enroll(Keys.ec(), subject, List.of(), token));
    }
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    Set<BigInteger> serials = new HashSet<>();
    try {
      for (Future<X509Certificate> enrolled : pool.invokeAll(enrolments, 60, TimeUnit.SECONDS)) {
        serials.add(enrolled.get().getSerialNumber());
      }
    } finally {
      pool.shutdownNow();
    }

    assertThat(serials).hasSize(threads);
    assertThat(ca.entries()).extracting(IndexEntry::serial).containsAll(serials);
  }

  private EnrolmentToken token(X500Principal subject, List<SubjectAltName> names) {
    return EnrolmentTokens.create(ca, Profile.CLIENT, subject, names, Duration.ofHours(1), clock);
  }

  private X509Certificate enroll(KeyPair key, X500Principal subject, List<SubjectAltName> names,
      EnrolmentToken token) throws IOException {
    HttpAuth auth = token == null ? null : new HttpAuth(token.id(), token.secret().toCharArray());
    return issued(client(null).simpleEnroll(false, request(key, subject, names), auth));
  }

  private X509Certificate reenroll(Identity current, KeyPair key, X500Principal subject, List<SubjectAltName> names)
      throws IOException {
    return issued(client(current).simpleEnroll(true, request(key, subject, names), null));
  }

  private ESTService client(Identity identity) {
    JsseESTServiceBuilder builder = new JsseESTServiceBuilder("localhost:" + server.port(), trusting(ca.root()));
    if (identity != null) {
      builder.withKeyManager(identity.keyManager());
    }
    return builder.withTimeout(10_000).build();
  }

  /** The JDK's PKIX trust manager, with {@code root} as its only anchor. */
  private static X509TrustManager trusting(X509Certificate root) {
    try {
      KeyStore anchors = KeyStore.getInstance("PKCS12");
      anchors.load(null, null);
      anchors.setCertificateEntry("root", root);
      TrustManagerFactory factory = TrustManagerFactory.getInstance("PKIX");
      factory.init(anchors);
      return (X509TrustManager) factory.getTrustManagers()[0];
    } catch (GeneralSecurityException | IOException e) {
      throw new AssertionError(e);
    }
  }

  private Identity identity(KeyPair key, X509Certificate certificate) {
    return Identity.of(key.getPrivate(), List.of(certificate, ca.intermediate()));
  }

  private static PKCS10CertificationRequest request(KeyPair key, X500Principal subject, List<SubjectAltName> names)
      throws IOException {
    return new PKCS10CertificationRequest(Csr.create(key, subject, names).encoded());
  }

  private static X509Certificate issued(EnrollmentResponse response) {
    List<X509Certificate> chain = certificates(response.getStore().getMatches(null));
    assertThat(chain).hasSize(2);
    return chain.get(0);
  }

  private static List<X509Certificate> certificates(java.util.Collection<X509CertificateHolder> holders) {
    JcaX509CertificateConverter converter = new JcaX509CertificateConverter();
    return holders.stream().map(holder -> {
      try {
        return converter.getCertificate(holder);
      } catch (CertificateException e) {
        throw new AssertionError(e);
      }
    }).toList();
  }

  /** Refused with {@code reason}: the HTTP status and body say it, and so does the event. */
  private void assertRefused(org.assertj.core.api.ThrowableAssert.ThrowingCallable call, EstRefusal reason) {
    ESTException refused = catchThrowableOfType(call, ESTException.class);
    assertThat(refused).as("refused with " + reason).isNotNull();
    assertThat(refused.getStatusCode()).isEqualTo(reason.httpStatus());
    // BouncyCastle asks once without credentials and is challenged: that first refusal is not the one tested.
    EstEvent event = events.awaitFirst(EstEvent.class, e -> e.refusal() != null
        && (reason == EstRefusal.NO_CREDENTIALS || e.refusal() != EstRefusal.NO_CREDENTIALS));
    assertThat(event.refusal()).isEqualTo(reason);
    assertThat(event.message()).isNotBlank();
    // The challenge (a first enrolment without credentials) has no body: BouncyCastle's client reads none there.
    if (event.operation() == EstEvent.Operation.REENROLL || reason != EstRefusal.NO_CREDENTIALS) {
      try {
        assertThat(new String(refused.getBody().readAllBytes(), StandardCharsets.UTF_8)).startsWith(reason.name());
      } catch (IOException e) {
        throw new AssertionError(e);
      }
    }
  }
}
