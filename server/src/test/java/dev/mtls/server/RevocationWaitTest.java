package dev.mtls.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mtls.pki.material.revocation.OnlineRevocation;
import dev.mtls.pki.material.trust.MissingCrlPolicy;
import dev.mtls.pki.material.trust.RevocationSource;
import dev.mtls.pki.material.trust.UnavailablePolicy;
import dev.mtls.server.testing.ServerFixture;
import dev.mtls.testing.Eventually;
import dev.mtls.testing.pki.Issued;
import dev.mtls.testing.tls.TlsProbe;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.parallel.Isolated;

/**
 * A handshake that waits for a revocation answer must not hold up anyone else: the trust manager, which may wait on
 * an OCSP responder or a CRL download, runs on the server's handshake threads, never on an XNIO I/O thread that
 * serves other connections. The responder here accepts connections and never answers; the server's revocation
 * timeout is far longer than the test.
 */
@Isolated // measures latency: tests running beside it would be in the figures
class RevocationWaitTest {
  /** More hanging handshakes than the server has I/O threads (max(cores, 2)), so each I/O thread would get one. */
  private static final int HANGING = Math.max(4, 2 * Runtime.getRuntime().availableProcessors());

  private final ServerFixture pki = new ServerFixture();
  /** Connections the hanging responder accepted: one per OCSP fetch in flight. */
  private final List<Socket> asked = new CopyOnWriteArrayList<>();
  /** The clients whose handshakes wait for those fetches. */
  private final List<TlsProbe.Connection> waiting = new CopyOnWriteArrayList<>();
  private final ExecutorService threads = Executors.newCachedThreadPool(task -> {
    Thread thread = new Thread(task, "revocation-wait-test");
    thread.setDaemon(true);
    return thread;
  });
  private ServerSocket hangingResponder;

  @AfterEach
  void stop() throws IOException {
    release();
    threads.shutdownNow();
  }

  /** Closes the responder and what it holds (the fetches then fail at once), and the waiting clients. */
  private void release() throws IOException {
    if (hangingResponder != null) {
      hangingResponder.close();
    }
    for (Socket socket : asked) {
      socket.close();
    }
    for (TlsProbe.Connection connection : waiting) {
      connection.close();
    }
  }

  @Test
  void an_unrelated_client_is_served_at_once_while_ocsp_fetches_hang() throws Exception {
    String responder = startHangingResponder();
    try (MtlsServer server = pki.serverBuilder()
        .revocationSource(OnlineRevocation.builder().ocspFromCertificates().timeout(Duration.ofSeconds(60)).build())
        // alice names no responder: with missing-crl accept she is judged without a fetch.
        .missingCrl(MissingCrlPolicy.ACCEPT)
        .build().start();
        TlsProbe.Connection kept = pki.clientFor(pki.alice).connect(server.port())) {
      TlsProbe alice = pki.clientFor(pki.alice);
      assertThat(kept.request("GET", "/whoami").status()).isEqualTo(200);
      // The same requests before anything hangs: how fast this machine is now.
      List<Long> before = sample(200, () -> kept.request("GET", "/whoami"));
      List<Long> newBefore = sample(20, () -> alice.get(server.port(), "/whoami"));

      List<Long> onOpenConnection;
      List<Long> onNewConnections;
      try {
        for (int i = 0; i < HANGING; i++) {
          Issued client = pki.issuing.issue("CN=waiting-" + i + ",OU=readers,O=Demo").ocspUrl(responder).build();
          threads.submit(() -> waiting.add(pki.clientFor(client).connect(server.port())));
        }
        // Before the fix no more fetches than I/O threads began: the other handshakes were never read.
        Eventually.await(HANGING + " OCSP fetches to hang at the responder", () -> asked.size() >= HANGING);
        onOpenConnection = sample(200, () -> kept.request("GET", "/whoami"));
        onNewConnections = sample(20, () -> alice.get(server.port(), "/whoami"));
      } finally {
        release();
      }

      assertThat(onOpenConnection).as("requests answered on the open connection").hasSize(200);
      assertThat(onNewConnections).as("requests answered on new connections").hasSize(20);
      // 50 ms; more only when the machine is so loaded that the same requests took longer before anything hung.
      assertThat(percentile(onOpenConnection, 0.99)).as("p99 of requests on the open connection (ms)")
          .isLessThan(Math.max(50, 2 * percentile(before, 0.99)));
      // The symptom was a handshake held up 1.8 s; a full handshake costs a few ms of CPU.
      assertThat(percentile(onNewConnections, 1.0)).as("slowest new connection and request (ms)")
          .isLessThan(Math.max(1000, 2 * percentile(newBefore, 1.0)));
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"TLSv1.3", "TLSv1.2"})
  void the_trust_manager_asks_revocation_sources_on_a_handshake_thread_never_an_io_thread(String protocol)
      throws Exception {
    Set<String> askedOn = ConcurrentHashMap.newKeySet();
    RevocationSource watching = new RevocationSource() {
      @Override
      public Optional<Fetch<byte[]>> ocsp(X509Certificate certificate, X509Certificate issuer, Instant at) {
        askedOn.add(Thread.currentThread().getName());
        return Optional.empty();
      }

      @Override
      public Optional<Fetch<List<X509CRL>>> crls(X509Certificate certificate, Instant at) {
        return Optional.empty();
      }

      @Override
      public UnavailablePolicy whenUnavailable() {
        return UnavailablePolicy.HARD_FAIL;
      }
    };
    try (MtlsServer server = pki.serverBuilder().revocationSource(watching).missingCrl(MissingCrlPolicy.ACCEPT)
        .build().start()) {
      assertThat(pki.clientFor(pki.alice).protocols(protocol).get(server.port(), "/whoami").status()).isEqualTo(200);
    }

    assertThat(askedOn).isNotEmpty().allMatch(name -> name.startsWith("mtls-handshake-"), "a handshake thread");
  }

  private interface Request {
    TlsProbe.Response send() throws IOException;
  }

  /**
   * Up to {@code count} requests, each timed in milliseconds; stops at the first that fails (the probe gives up
   * after 10 s without an answer).
   */
  private List<Long> sample(int count, Request request) {
    List<Long> millis = new ArrayList<>();
    while (millis.size() < count) {
      long started = System.nanoTime();
      try {
        if (request.send().status() != 200) {
          break;
        }
      } catch (IOException e) {
        break;
      }
      millis.add(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
    }
    System.out.printf("%d of %d answered (%d OCSP fetches hanging): p50 %d ms, p99 %d ms, max %d ms%n",
        millis.size(), count, asked.size(), percentile(millis, 0.5), percentile(millis, 0.99), percentile(millis, 1.0));
    return millis;
  }

  private static long percentile(List<Long> millis, double fraction) {
    if (millis.isEmpty()) {
      return Long.MAX_VALUE;
    }
    List<Long> sorted = new ArrayList<>(millis);
    Collections.sort(sorted);
    return sorted.get(Math.max(0, (int) Math.ceil(fraction * sorted.size()) - 1));
  }

  /** An OCSP responder that accepts connections and never answers; what it accepted is in {@link #asked}. */
  private String startHangingResponder() throws IOException {
    hangingResponder = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    threads.submit(() -> {
      while (!hangingResponder.isClosed()) {
        try {
          asked.add(hangingResponder.accept());
        } catch (IOException e) {
          return;
        }
      }
    });
    return "http://127.0.0.1:" + hangingResponder.getLocalPort() + "/ocsp";
  }
}
