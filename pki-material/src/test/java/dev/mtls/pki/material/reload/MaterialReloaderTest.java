package dev.mtls.pki.material.reload;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mtls.pki.material.Pem;
import dev.mtls.pki.material.trust.Purpose;
import dev.mtls.pki.material.trust.Reason;
import dev.mtls.testing.MutableClock;
import dev.mtls.testing.pki.Issued;
import dev.mtls.testing.pki.TestPki;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MaterialReloaderTest {
  private final TestPki pki = TestPki.create();
  private final Issued alice = pki.client("CN=alice,O=mtls-reference test");
  private final MutableClock clock = MutableClock.now();
  private final List<MaterialEvent> events = new ArrayList<>();

  @TempDir
  Path directory;

  @Test
  void a_good_crl_and_a_broken_trust_file_in_one_poll_apply_the_crl_now_and_the_trust_file_once_fixed()
      throws Exception {
    Path anchors = write("ca.pem", Pem.encode(pki.root.certificate()));
    Path crl = write("crl.pem", crls());
    ReloadableTrust trust = ReloadableTrust.builder().anchorsPem(anchors).addCrlFile(crl).build();
    MaterialReloader reloader = reloader(trust.units());
    reloader.loadAll();
    assertThat(trust.get().verify(alice.chain(), Purpose.CLIENT, clock.instant()).isTrusted()).isTrue();

    write("crl.pem", crls(alice.certificate()));
    write("ca.pem", "-----BEGIN CERTIFICATE-----\nnot base64\n-----END CERTIFICATE-----\n");
    List<MaterialEvent> first = reloader.poll();

    assertThat(first).extracting(MaterialEvent::unit, MaterialEvent::outcome).containsExactly(
        org.assertj.core.groups.Tuple.tuple("trust anchors " + anchors, MaterialEvent.Outcome.REFUSED),
        org.assertj.core.groups.Tuple.tuple("CRL file " + crl, MaterialEvent.Outcome.APPLIED));
    assertThat(trust.get().verify(alice.chain(), Purpose.CLIENT, clock.instant()).reason()).isEqualTo(Reason.REVOKED);

    List<MaterialEvent> second = reloader.poll();
    assertThat(second).singleElement().satisfies(event -> {
      assertThat(event.outcome()).isEqualTo(MaterialEvent.Outcome.REFUSED);
      assertThat(event.repeated()).isTrue();
    });

    TestPki other = TestPki.create();
    write("ca.pem", Pem.encode(List.of(pki.root.certificate(), other.root.certificate())));
    assertThat(reloader.poll()).singleElement().extracting(MaterialEvent::outcome)
        .isEqualTo(MaterialEvent.Outcome.APPLIED);
    assertThat(trust.get().anchors().certificates()).hasSize(2);
    assertThat(reloader.poll()).isEmpty();
  }

  @Test
  void a_removed_trust_anchor_stops_being_trusted_at_the_next_poll() throws Exception {
    TestPki other = TestPki.create();
    Issued bob = other.client("CN=bob,O=elsewhere");
    Path anchors = write("ca.pem", Pem.encode(List.of(pki.root.certificate(), other.root.certificate())));
    ReloadableTrust trust = ReloadableTrust.builder().anchorsPem(anchors).build();
    MaterialReloader reloader = reloader(trust.units());
    reloader.loadAll();
    long before = trust.get().generation();
    assertThat(trust.get().verify(bob.chain(), Purpose.CLIENT, clock.instant()).isTrusted()).isTrue();

    write("ca.pem", Pem.encode(pki.root.certificate()));
    reloader.poll();

    assertThat(trust.get().generation()).isGreaterThan(before);
    assertThat(trust.get().verify(bob.chain(), Purpose.CLIENT, clock.instant()).reason())
        .isEqualTo(Reason.UNTRUSTED_ISSUER);
  }

  @Test
  void a_replacement_identity_that_is_not_yet_valid_goes_into_service_when_it_becomes_valid() throws Exception {
    Path chain = write("tls.crt", Pem.encode(pki.server.chain()));
    Path key = write("tls.key", Pem.encode(pki.server.privateKey()));
    ReloadableIdentity identity = ReloadableIdentity.pem(chain, key, null, Purpose.SERVER, clock);
    MaterialReloader reloader = reloader(List.of(identity.unit()));
    reloader.loadAll();

    Instant start = clock.instant().plus(Duration.ofHours(1));
    Issued next = pki.issuing.issue("CN=localhost,O=next").server()
        .validity(start, start.plus(Duration.ofDays(30))).build();
    write("tls.crt", Pem.encode(next.chain()));
    write("tls.key", Pem.encode(next.privateKey()));

    assertThat(reloader.poll()).singleElement().satisfies(event -> {
      assertThat(event.outcome()).isEqualTo(MaterialEvent.Outcome.REFUSED);
      assertThat(event.detail()).contains("not yet valid", "is not valid before");
    });
    assertThat(identity.current().certificate()).isEqualTo(pki.server.certificate());

    clock.advance(Duration.ofHours(2));
    assertThat(reloader.poll()).singleElement().extracting(MaterialEvent::outcome)
        .isEqualTo(MaterialEvent.Outcome.APPLIED);
    assertThat(identity.current().certificate()).isEqualTo(next.certificate());
  }

  private MaterialReloader reloader(List<MaterialUnit<?>> units) {
    return new MaterialReloader(units, clock).listener(events::add);
  }

  private String crls(X509Certificate... revoked) {
    StringBuilder out = new StringBuilder();
    pki.crls(revoked).forEach(crl -> out.append(Pem.encode(crl)));
    return out.toString();
  }

  private Path write(String name, String content) throws Exception {
    return Files.writeString(directory.resolve(name), content);
  }
}
