package dev.mtls.pki;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mtls.pki.material.KeyEncryption;
import java.lang.management.ManagementFactory;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.bouncycastle.cert.jcajce.JcaX509CertificateHolder;
import org.bouncycastle.cert.ocsp.BasicOCSPResp;
import org.bouncycastle.cert.ocsp.CertificateID;
import org.bouncycastle.cert.ocsp.OCSPReqBuilder;
import org.bouncycastle.cert.ocsp.OCSPResp;
import org.bouncycastle.cert.ocsp.OCSPRespBuilder;
import org.bouncycastle.cert.ocsp.RevokedStatus;
import org.bouncycastle.cert.ocsp.SingleResp;
import org.bouncycastle.cert.ocsp.UnknownStatus;
import org.bouncycastle.operator.jcajce.JcaDigestCalculatorProviderBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What answering costs with a CA of 20,000 certificates (every tenth revoked), when a peer packs as many CertIDs as
 * 16 KiB hold into one OCSP request, and when relying parties fetch the CRLs again and again: the index is read once
 * per change, not once per CertID or per request. Costs are the CPU time of the calling thread, which other work on
 * the machine does not inflate.
 */
class LargeIndexTest {
  private static final char[] PASSWORD = "large index test password".toCharArray();
  private static final int ENTRIES = 20_000;
  private static final BigInteger FIRST_SERIAL = BigInteger.valueOf(0x100000);

  @TempDir Path dir;
  private CaDirectory ca;
  private OcspResponder responder;

  @BeforeEach
  void createLargeCa() throws Exception {
    ca = CaDirectory.init(dir.resolve("ca"), PASSWORD, CaDirectory.InitOptions.defaults("Large Index Test")
        .withKeyEncryption(KeyEncryption.forTests()), false, Clock.systemUTC());
    responder = new OcspResponder(ca, ca.ocspSigner(Duration.ofDays(7), Duration.ofDays(1)), Duration.ofMinutes(10),
        Clock.systemUTC());
    // Written as the index's own lines: issuing 20,000 certificates one by one would take minutes.
    StringBuilder lines = new StringBuilder();
    for (int i = 0; i < ENTRIES; i++) {
      BigInteger serial = serial(i);
      lines.append(serial.toString(16)).append(i % 10 == 0
          ? "\tR\t2030-01-01T00:00:00Z\t2026-01-01T00:00:00Z\tkeyCompromise\tCN=client-" + i + ",O=Large"
          : "\tV\t2030-01-01T00:00:00Z\t\t\tCN=client-" + i + ",O=Large").append('\n');
    }
    Files.writeString(dir.resolve("ca/index.tsv"), lines, StandardOpenOption.APPEND);
  }

  @AfterEach
  void closeCa() {
    ca.close();
  }

  @Test
  void refuses_a_request_about_200_certificates_as_malformed_without_looking_them_up() throws Exception {
    byte[] request = request(200, 0);
    assertThat(request.length).isLessThanOrEqualTo(OcspResponder.MAX_REQUEST_BYTES);

    byte[][] response = new byte[1][];
    Duration cpu = cpuTime(() -> response[0] = responder.respond(request));

    assertThat(new OCSPResp(response[0]).getStatus()).isEqualTo(OCSPRespBuilder.MALFORMED_REQUEST);
    assertThat(cpu).as("CPU time of the 200-CertID request").isLessThan(Duration.ofMillis(500));
  }

  @Test
  void answers_32_certificates_from_the_index_it_read_once() throws Exception {
    responder.respond(request(1, 0));
    byte[] request = request(32, 100);

    byte[][] response = new byte[1][];
    Duration cpu = cpuTime(() -> response[0] = responder.respond(request));

    SingleResp[] answers = ((BasicOCSPResp) new OCSPResp(response[0]).getResponseObject()).getResponses();
    assertThat(answers).hasSize(32);
    assertThat(answers[0].getCertStatus()).isInstanceOf(RevokedStatus.class);
    assertThat(((RevokedStatus) answers[0].getCertStatus()).getRevocationReason()).isEqualTo(1);
    assertThat(answers[1].getCertStatus()).isNull(); // good
    assertThat(cpu).as("CPU time of a 32-CertID request once the index was read").isLessThan(Duration.ofMillis(300));
  }

  @Test
  void answers_unknown_for_a_serial_the_index_does_not_list() throws Exception {
    byte[] request = request(List.of(serial(ENTRIES + 5)));

    SingleResp[] answers = ((BasicOCSPResp) new OCSPResp(responder.respond(request)).getResponseObject())
        .getResponses();

    assertThat(answers[0].getCertStatus()).isInstanceOf(UnknownStatus.class);
  }

  @Test
  void sees_a_revocation_another_process_made_in_its_next_answer() throws Exception {
    byte[] request = request(List.of(serial(1)));
    assertThat(single(responder.respond(request)).getCertStatus()).isNull();

    try (CaDirectory other = CaDirectory.open(dir.resolve("ca"), PASSWORD, Clock.systemUTC())) {
      other.revoke(serial(1), RevocationReason.AFFILIATION_CHANGED);
    }

    assertThat(single(responder.respond(request)).getCertStatus()).isInstanceOf(RevokedStatus.class);
  }

  @Test
  void the_crl_publisher_reads_the_indexes_once_per_change_not_once_per_fetch() {
    CrlPublisher publisher = new CrlPublisher(ca, Duration.ofHours(1), Clock.systemUTC());
    CaDirectory.PublishedCrls first = publisher.current();
    assertThat(publisher.current()).as("checked against the indexes, read once").isSameAs(first);

    Duration cpu = cpuTime(() -> {
      for (int i = 0; i < 50; i++) {
        assertThat(publisher.current()).isSameAs(first);
      }
    });
    try (CaDirectory other = CaDirectory.open(dir.resolve("ca"), PASSWORD, Clock.systemUTC())) {
      other.revoke(serial(3), RevocationReason.SUPERSEDED);
    }

    assertThat(first.issuing().getRevokedCertificates()).hasSize(ENTRIES / 10);
    assertThat(cpu).as("CPU time of 50 fetches of unchanged CRLs").isLessThan(Duration.ofMillis(250));
    assertThat(publisher.current().issuing().getRevokedCertificate(serial(3))).isNotNull();
  }

  private static BigInteger serial(int i) {
    return FIRST_SERIAL.add(BigInteger.valueOf(i));
  }

  /** A request about {@code count} serials of the index from the {@code from}th on. */
  private byte[] request(int count, int from) throws Exception {
    List<BigInteger> serials = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      serials.add(serial(from + i));
    }
    return request(serials);
  }

  private byte[] request(List<BigInteger> serials) throws Exception {
    OCSPReqBuilder builder = new OCSPReqBuilder();
    JcaX509CertificateHolder issuer = new JcaX509CertificateHolder(ca.intermediate());
    for (BigInteger serial : serials) {
      builder.addRequest(new CertificateID(new JcaDigestCalculatorProviderBuilder().build()
          .get(CertificateID.HASH_SHA1), issuer, serial));
    }
    return builder.build().getEncoded();
  }

  private static SingleResp single(byte[] response) throws Exception {
    return ((BasicOCSPResp) new OCSPResp(response).getResponseObject()).getResponses()[0];
  }

  private static Duration cpuTime(Runnable work) {
    long before = ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
    work.run();
    return Duration.ofNanos(ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime() - before);
  }
}
