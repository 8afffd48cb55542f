package dev.mtls.pki;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mtls.pki.material.KeyEncryption;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.cert.CertificateFactory;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.bouncycastle.cert.jcajce.JcaX509CertificateHolder;
import org.bouncycastle.cert.ocsp.BasicOCSPResp;
import org.bouncycastle.cert.ocsp.CertificateID;
import org.bouncycastle.cert.ocsp.OCSPReqBuilder;
import org.bouncycastle.cert.ocsp.OCSPResp;
import org.bouncycastle.cert.ocsp.RevokedStatus;
import org.bouncycastle.operator.jcajce.JcaDigestCalculatorProviderBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.Isolated;

/**
 * The publication server against peers that connect and then take their time, as a slowloris attack does, while a
 * good relying party asks for OCSP answers and CRLs: loopback only, bounded in count and time, every socket closed.
 */
@Isolated // measures latency: tests running beside it would be in the figures
class PublicationServerSlowPeersTest {
  private static final char[] PASSWORD = "slow peers test password".toCharArray();
  private static final Duration GOOD_LATENCY = Duration.ofSeconds(1);
  private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
  private static final String CRL_GET = "GET /crl/issuing.crl HTTP/1.1\r\n";
  private static final String SLOW_OCSP_BODY = "POST /ocsp HTTP/1.1\r\nHost: 127.0.0.1\r\n"
      + "Content-Type: application/ocsp-request\r\nContent-Length: 4000\r\n\r\n";
  private static final String SLOW_CRL_BODY = "POST /crl/issuing.crl HTTP/1.1\r\nHost: 127.0.0.1\r\n"
      + "Content-Length: 4000\r\n\r\n";

  @TempDir Path dir;
  private CaDirectory ca;
  private BigInteger revoked;
  private final List<Socket> attackers = new ArrayList<>();

  @BeforeEach
  void createCa() {
    ca = CaDirectory.init(dir.resolve("ca"), PASSWORD, CaDirectory.InitOptions.defaults("Slow Peers Test")
        .withKeyEncryption(KeyEncryption.forTests()), false, Clock.systemUTC());
    revoked = ca.issue(CertificateSpec.client("CN=mallory").build()).certificate().getSerialNumber();
    ca.revoke(revoked, RevocationReason.KEY_COMPROMISE);
  }

  @AfterEach
  void closeAll() throws IOException {
    for (Socket socket : attackers) {
      socket.close();
    }
    ca.close();
  }

  @Test
  void keeps_answering_a_good_relying_party_while_slow_peers_hold_connections() throws Exception {
    try (PublicationServer server = publishing(PublicationServer.builder())) {
      GoodRelyingParty good = new GoodRelyingParty(server, ocspRequest(revoked));
      good.warmUp();

      // As many as one address may hold (64): one byte each, headers without their end, bodies a byte at a time.
      open(server, 24, "P");
      open(server, 16, "POST /ocsp HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/ocsp-request\r\n");
      List<Socket> slowBodies = open(server, 16, SLOW_OCSP_BODY);
      slowBodies.addAll(open(server, 8, SLOW_CRL_BODY));
      Thread dribbler = dribbling(slowBodies);
      try {
        long end = System.nanoTime() + Duration.ofSeconds(3).toNanos();
        while (System.nanoTime() < end && good.failures.size() < 3) {
          good.round();
        }
      } finally {
        dribbler.interrupt();
      }

      assertThat(good.failures).as("the good relying party's failed or slow requests (slowest answer: %d ms)",
          good.slowest.toMillis()).isEmpty();
      assertThat(good.rounds).as("rounds of OCSP and CRL requests in 3 s").isGreaterThan(10);
    }
  }

  @Test
  void closes_connections_whose_request_does_not_arrive_in_time_and_those_that_stay_silent() throws Exception {
    try (PublicationServer server = publishing(PublicationServer.builder().requestTimeout(Duration.ofSeconds(1))
        .idleTimeout(Duration.ofSeconds(2)))) {
      long start = System.nanoTime();
      Socket oneByte = open(server, 1, "P").get(0);
      Socket partialHeaders = open(server, 1, "GET /crl/issuing.crl HTTP/1.1\r\nHost: 127.0.0.1\r\n").get(0);
      List<Socket> slowBodies = open(server, 1, SLOW_OCSP_BODY);
      slowBodies.addAll(open(server, 1, SLOW_CRL_BODY));
      Socket silent = open(server, 1, "").get(0);
      Thread dribbler = dribbling(slowBodies);
      try {
        assertThat(closedAfter(oneByte, start)).as("one byte").isBetween(800L, 3000L);
        assertThat(closedAfter(partialHeaders, start)).as("partial headers").isBetween(800L, 3000L);
        assertThat(closedAfter(slowBodies.get(0), start)).as("slow OCSP body").isBetween(800L, 3000L);
        assertThat(closedAfter(slowBodies.get(1), start)).as("slow body to a CRL").isBetween(800L, 3000L);
        assertThat(closedAfter(silent, start)).as("silent").isBetween(1600L, 4000L);
      } finally {
        dribbler.interrupt();
      }
    }
  }

  @Test
  void accepts_no_more_than_max_connections_until_timeouts_close_the_idle_ones() throws Exception {
    try (PublicationServer server = publishing(PublicationServer.builder().maxConnections(4)
        .idleTimeout(Duration.ofSeconds(1)))) {
      open(server, 4, "");
      long start = System.nanoTime();

      Reply reply = Reply.of(server, LOOPBACK, CRL_GET, new byte[0], Duration.ofSeconds(5));

      assertThat(reply.statusLine()).startsWith("HTTP/1.1 200 ");
      assertThat(Duration.ofNanos(System.nanoTime() - start)).as("served once the idle connections were closed")
          .isGreaterThan(Duration.ofMillis(800));
    }
  }

  @Test
  void closes_at_once_a_connection_from_an_address_that_has_its_share_open_and_serves_other_addresses()
      throws Exception {
    try (PublicationServer server = publishing(PublicationServer.builder().maxConnectionsPerAddress(4))) {
      keptAlive(server, 4);

      Reply sameAddress = Reply.of(server, LOOPBACK, CRL_GET, new byte[0], Duration.ofSeconds(5));
      Reply otherAddress = Reply.of(server, address("127.0.0.2"), CRL_GET, new byte[0],
          Duration.ofSeconds(5));

      assertThat(sameAddress.statusLine()).matches("no response|" + Reply.RESET);
      assertThat(sameAddress.took()).isLessThan(Duration.ofSeconds(1));
      assertThat(otherAddress.statusLine()).startsWith("HTTP/1.1 200 ");
    }
  }

  @Test
  void refuses_an_ocsp_request_body_over_16_kib_with_413_and_reads_no_more_of_it() throws Exception {
    try (PublicationServer server = publishing(PublicationServer.builder())) {
      // Refused on its Content-Length, before its body is sent: a body sent and left unread would reset the
      // connection, and the answer with it.
      Reply sized = Reply.of(server, LOOPBACK, "POST /ocsp HTTP/1.1\r\nContent-Type: application/ocsp-request\r\n"
          + "Content-Length: " + (OcspResponder.MAX_REQUEST_BYTES + 1) + "\r\n", new byte[0], Duration.ofSeconds(5));
      Reply chunked = Reply.of(server, LOOPBACK, "POST /ocsp HTTP/1.1\r\nContent-Type: application/ocsp-request\r\n"
          + "Transfer-Encoding: chunked\r\n", chunksOverTheLimit(), Duration.ofSeconds(5));

      assertThat(sized.statusLine()).startsWith("HTTP/1.1 413 ");
      // Refused once it passes the limit, which may leave bytes unread, and a reset may then overtake the answer.
      assertThat(chunked.statusLine()).matches("HTTP/1.1 413 .*|" + Reply.RESET);
    }
  }

  private PublicationServer publishing(PublicationServer.Builder builder) {
    return builder
        .ocspResponder(PublicationServer.OCSP_PATH, OcspResponder.forCa(ca, Duration.ofMinutes(10), Clock.systemUTC()))
        .crls(PublicationServer.CRL_PATH, new CrlPublisher(ca, Duration.ofHours(1), Clock.systemUTC()))
        .start();
  }

  /** {@code count} connections, each of which sends {@code first} and then nothing more. */
  private List<Socket> open(PublicationServer server, int count, String first) throws IOException {
    List<Socket> opened = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      Socket socket = new Socket(LOOPBACK, server.port());
      attackers.add(socket);
      opened.add(socket);
      if (!first.isEmpty()) {
        OutputStream out = socket.getOutputStream();
        out.write(first.getBytes(StandardCharsets.US_ASCII));
        out.flush();
      }
    }
    return opened;
  }

  /**
   * {@code count} connections the server has certainly taken in (each got an answer), kept open: connections are
   * taken in on several threads, so one merely opened may be counted after a later one.
   */
  private void keptAlive(PublicationServer server, int count) throws IOException {
    for (Socket socket : open(server, count, "GET /nothing HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")) {
      socket.setSoTimeout(5000);
      StringBuilder head = new StringBuilder();
      while (head.indexOf("\r\n\r\n") < 0) {
        int read = socket.getInputStream().read();
        assertThat(read).as("the answer to a kept-alive connection").isNotNegative();
        head.append((char) read);
      }
      assertThat(head).startsWith("HTTP/1.1 404 ");
    }
  }

  private static Thread dribbling(List<Socket> sockets) {
    Thread dribbler = new Thread(() -> dribble(sockets), "dribbler");
    dribbler.setDaemon(true);
    dribbler.start();
    return dribbler;
  }

  /** Milliseconds from {@code start} until the server closed {@code socket}, reading whatever it answered. */
  private static long closedAfter(Socket socket, long start) throws IOException {
    socket.setSoTimeout(10_000);
    try {
      socket.getInputStream().readAllBytes();
    } catch (SocketException reset) {
      // closed with unread bytes: a reset
    }
    return Duration.ofNanos(System.nanoTime() - start).toMillis();
  }

  /** The start of a chunked body one byte over the limit: chunks of 4 KiB up to it, then a one-byte chunk's header. */
  private static byte[] chunksOverTheLimit() {
    StringBuilder body = new StringBuilder();
    for (int sent = 0; sent < OcspResponder.MAX_REQUEST_BYTES; sent += 4096) {
      body.append("1000\r\n").append("0".repeat(4096)).append("\r\n");
    }
    return body.append("1\r\n").toString().getBytes(StandardCharsets.US_ASCII);
  }

  /** Sends one more byte of body on each connection every 100 ms, until interrupted or every one is closed. */
  private static void dribble(List<Socket> sockets) {
    List<Socket> open = new ArrayList<>(sockets);
    while (!open.isEmpty() && !Thread.currentThread().isInterrupted()) {
      open.removeIf(socket -> {
        try {
          socket.getOutputStream().write(0x30);
          return false;
        } catch (IOException closed) {
          return true;
        }
      });
      try {
        // Real time is the attack: a byte at a time, each well within any idle timeout.
        Thread.sleep(100);
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  private static InetAddress address(String literal) {
    try {
      return InetAddress.getByName(literal);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private byte[] ocspRequest(BigInteger serial) throws Exception {
    return new OCSPReqBuilder().addRequest(new CertificateID(new JcaDigestCalculatorProviderBuilder().build()
        .get(CertificateID.HASH_SHA1), new JcaX509CertificateHolder(ca.intermediate()), serial)).build().getEncoded();
  }

  /**
   * A relying party that asks for the revoked certificate's status (POST) and for the issuing CA's CRL (GET), each on
   * a new connection from its own address, and counts as a failure anything but the right answer within {@link #GOOD_LATENCY}.
   */
  private static final class GoodRelyingParty {
    /** Not the attacker's: a relying party is another host. */
    private static final InetAddress ADDRESS = address("127.0.0.2");

    private final PublicationServer server;
    private final byte[] ocspRequest;
    final List<String> failures = new CopyOnWriteArrayList<>();
    int rounds;
    Duration slowest = Duration.ZERO;

    GoodRelyingParty(PublicationServer server, byte[] ocspRequest) {
      this.server = server;
      this.ocspRequest = ocspRequest;
    }

    /** A first round, unmeasured: the first answers also load and compile the code that makes them. */
    void warmUp() {
      round();
      assertThat(failures).allMatch(failure -> failure.contains(" took "));
      failures.clear();
      rounds = 0;
      slowest = Duration.ZERO;
    }

    void round() {
      ask("OCSP", "POST " + PublicationServer.OCSP_PATH + " HTTP/1.1\r\nContent-Type: application/ocsp-request\r\n"
          + "Content-Length: " + ocspRequest.length + "\r\n", ocspRequest, body -> {
            BasicOCSPResp basic = (BasicOCSPResp) new OCSPResp(body).getResponseObject();
            return basic.getResponses()[0].getCertStatus() instanceof RevokedStatus;
          });
      ask("CRL", CRL_GET, new byte[0],
          body -> CertificateFactory.getInstance("X.509").generateCRL(new ByteArrayInputStream(body)) != null);
      rounds++;
    }

    private void ask(String what, String head, byte[] body, Check check) {
      try {
        Reply reply = Reply.of(server, ADDRESS, head, body, Duration.ofSeconds(5));
        slowest = reply.took().compareTo(slowest) > 0 ? reply.took() : slowest;
        if (!reply.statusLine().startsWith("HTTP/1.1 200 ") || !check.holds(reply.body())) {
          failures.add(what + ": " + reply.statusLine());
        } else if (reply.took().compareTo(GOOD_LATENCY) > 0) {
          failures.add(what + ": took " + reply.took().toMillis() + " ms");
        }
      } catch (Exception e) {
        failures.add(what + ": " + e);
      }
    }

    interface Check {
      boolean holds(byte[] body) throws Exception;
    }
  }

  /**
   * One request on a new connection from {@code from} ({@code head} without the Host and Connection lines), and its
   * answer: "no response" when the server closed the connection without one.
   */
  private record Reply(String statusLine, byte[] body, Duration took) {
    static final String RESET = "connection reset";

    static Reply of(PublicationServer server, InetAddress from, String head, byte[] body, Duration timeout)
        throws IOException {
      long start = System.nanoTime();
      try (Socket socket = new Socket()) {
        socket.bind(new InetSocketAddress(from, 0));
        socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), server.port()),
            (int) timeout.toMillis());
        socket.setSoTimeout((int) timeout.toMillis());
        OutputStream out = socket.getOutputStream();
        out.write((head + "Host: 127.0.0.1\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        try {
          out.write(body);
          out.flush();
        } catch (SocketException refused) {
          // the server answered before the whole body was sent: read what it said
        }
        byte[] response;
        try {
          response = socket.getInputStream().readAllBytes();
        } catch (SocketException reset) {
          return new Reply(RESET, new byte[0], Duration.ofNanos(System.nanoTime() - start));
        }
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        String text = new String(response, StandardCharsets.ISO_8859_1);
        int headEnd = text.indexOf("\r\n\r\n");
        return new Reply(text.lines().findFirst().orElse("no response"),
            headEnd < 0 ? new byte[0] : Arrays.copyOfRange(response, headEnd + 4, response.length), took);
      }
    }
  }
}
