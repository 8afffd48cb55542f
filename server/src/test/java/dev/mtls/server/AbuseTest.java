package dev.mtls.server;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import dev.mtls.pki.material.trust.Reason;
import dev.mtls.server.testing.ServerFixture;
import dev.mtls.testing.Eventually;
import dev.mtls.testing.LogCapture;
import dev.mtls.testing.Recorder;
import dev.mtls.testing.SteadyClient;
import dev.mtls.testing.tls.TlsProbe;
import io.undertow.util.Methods;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Isolated;

/**
 * A hostile peer on loopback, all at once, while a good client (from another loopback address) makes a request every
 * 20 ms: idle, half-ClientHello and junk floods, an authenticated slowloris, renegotiation attempts, a refusal flood,
 * a 2 MB header and a 50 MB body. Bounded in count and time; everything it opens it closes.
 */
@Isolated // reads a logger that tests running beside it would write to
class AbuseTest {
  private static final Limits LIMITS = Limits.DEFAULTS
      .withHandshakeTimeout(Duration.ofSeconds(1))
      .withRequestHeaderTimeout(Duration.ofSeconds(1))
      .withIdleTimeout(Duration.ofSeconds(2));
  private static final Duration LOG_INTERVAL = Duration.ofMillis(500);

  private final ServerFixture pki = new ServerFixture();
  private final Recorder<Object> events = new Recorder<>();

  @Test
  void a_good_client_is_served_throughout_and_the_server_returns_to_its_baseline() throws Exception {
    try (LogCapture log = LogCapture.of(ServerLoggers.REFUSALS);
        MtlsServer server = pki.serverBuilder().limits(LIMITS).rejectionLogInterval(LOG_INTERVAL).listener(ServerListener.forwardingTo(events))
            .route(Methods.POST, "/upload", Roles.anyClient(), exchange -> exchange.getRequestReceiver()
                .receiveFullBytes((done, body) -> Responses.text(done, 200, "got " + body.length),
                    (failed, error) -> Responses.text(failed, 413, "too large")))
            .build().start()) {
      TlsProbe bob = pki.clientFor(pki.bob).from("127.0.0.2");
      SteadyClient good = SteadyClient.start("good-client", () -> bob.get(server.port(), "/whoami").status());
      good.awaitServed(20);
      long fdsBefore = openFileDescriptors();
      int threadsBefore = Thread.activeCount();
      int servedBeforeAttacks = good.served();

      List<Socket> idle = openRaw(server, 300, new byte[0]);
      List<Socket> halfHellos = openRaw(server, 100, new byte[] {0x16, 0x03, 0x01, 0x02, 0x00, 0x01});
      List<Socket> junk = openRaw(server, 100, "GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      ExecutorService attackers = Executors.newFixedThreadPool(6);
      try {
        List<Future<Boolean>> slowloris = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
          slowloris.add(attackers.submit(() -> slowloris(server)));
        }
        Future<Integer> refusals = attackers.submit(() -> refusalFlood(server, Duration.ofSeconds(2)));
        Future<Boolean> renegotiation = attackers.submit(() -> renegotiate(server));
        Future<Boolean> bigHeader = attackers.submit(() -> sendsTooMuch(server,
            "GET /whoami HTTP/1.1\r\nHost: localhost\r\nX-Big: ", 2 * 1024 * 1024));
        Future<Boolean> bigBody = attackers.submit(() -> sendsTooMuch(server,
            "POST /upload HTTP/1.1\r\nHost: localhost\r\nContent-Length: 52428800\r\n\r\n", 50 * 1024 * 1024));

        for (Future<Boolean> connection : slowloris) {
          assertThat(connection.get(10, TimeUnit.SECONDS)).as("slowloris closed within 3 s").isTrue();
        }
        assertThat(renegotiation.get(10, TimeUnit.SECONDS)).as("renegotiation refused").isTrue();
        assertThat(bigHeader.get(20, TimeUnit.SECONDS)).as("2 MB header refused").isTrue();
        assertThat(bigBody.get(30, TimeUnit.SECONDS)).as("50 MB body refused").isTrue();
        int refused = refusals.get(20, TimeUnit.SECONDS);
        // Served throughout: the good client made progress while the attacks ran, not only before them.
        assertThat(good.served() - servedBeforeAttacks).as("good requests served during the attacks")
            .isGreaterThanOrEqualTo(10);

        assertThat(refused).isGreaterThan(20);
        assertThat(events.await(Rejection.class, r -> r.verdict().reason() == Reason.RENEGOTIATION_REFUSED)).hasSize(1);
        // Beyond 256 connections from 127.0.0.1, the floods are refused before the JDK's engine sees a byte.
        assertThat(events.await(Rejection.class, r -> r.verdict().reason() == Reason.TOO_MANY_CONNECTIONS)).isNotEmpty();
        awaitCount(() -> events.all(Rejection.class).stream().filter(r -> r.verdict().reason() == Reason.NO_CERTIFICATE).count(),
            refused);
        // Every refusal is an event; the log has a few lines per interval, whatever the number of refusals.
        log.await(Level.WARN, line -> line.matches("\\d+ more client\\(s\\) rejected in the last 500 ms, of \\d+"
            + " kind\\(s\\): .*\\d+ no certificate.*"));
        assertThat(log.messages(Level.WARN).stream().filter(line -> line.contains("no certificate")).count())
            .as("log lines for %d refusals", refused).isLessThanOrEqualTo(2 * (2000 / LOG_INTERVAL.toMillis() + 2));
      } finally {
        attackers.shutdownNow();
        closeAll(idle, halfHellos, junk);
      }

      // The idle, half-hello and junk connections were closed by the server (idle and handshake timeouts).
      awaitCount(() -> (long) server.openConnections(), 1);
      // The good client is still served once the attacks are over.
      good.awaitServed(good.served() + 5);
      good.stop();
      assertThat(good.failures()).as("good client failures").isEmpty();
      assertThat(openFileDescriptors()).as("file descriptors").isLessThanOrEqualTo(fdsBefore + 5);
      assertThat(Thread.activeCount()).as("threads").isLessThanOrEqualTo(threadsBefore + 4);
    }
  }

  /**
   * An authenticated client that sends its headers a line every 200 ms; returns whether the server closed it after
   * the 1 s header timeout and within 3 s.
   */
  private boolean slowloris(MtlsServer server) throws Exception {
    TlsProbe.Connection connection = pki.clientFor(pki.alice).from("127.0.0.6").connect(server.port());
    long start = System.nanoTime();
    try (connection) {
      connection.write("GET /whoami HTTP/1.1\r\nHost: localhost\r\n");
      for (int i = 0; i < 50; i++) {
        // Real time is the attack: a header line every 200 ms, slower than the header timeout allows.
        Thread.sleep(200);
        connection.write("X-Slow-" + i + ": 1\r\n");
      }
      return false;
    } catch (IOException closed) {
      Duration took = Duration.ofNanos(System.nanoTime() - start);
      return took.compareTo(Duration.ofMillis(800)) > 0 && took.compareTo(Duration.ofSeconds(3)) < 0;
    }
  }

  /** Handshakes without a certificate from four threads for {@code duration}; returns how many were refused. */
  private int refusalFlood(MtlsServer server, Duration duration) throws Exception {
    AtomicInteger refused = new AtomicInteger();
    long end = System.nanoTime() + duration.toNanos();
    ExecutorService threads = Executors.newFixedThreadPool(4);
    try {
      List<Future<?>> loops = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        loops.add(threads.submit(() -> {
          TlsProbe anonymous = pki.anonymousClient().from("127.0.0.3");
          while (System.nanoTime() < end) {
            try {
              anonymous.get(server.port(), "/whoami");
            } catch (IOException expected) {
              refused.incrementAndGet();
            }
          }
        }));
      }
      for (Future<?> loop : loops) {
        loop.get();
      }
    } finally {
      threads.shutdownNow();
    }
    return refused.get();
  }

  /** A TLS 1.2 client that renegotiates after its first request; returns whether the connection was ended. */
  private boolean renegotiate(MtlsServer server) throws Exception {
    try (TlsProbe.Connection connection = pki.clientFor(pki.alice).protocols("TLSv1.2").from("127.0.0.4")
        .connect(server.port())) {
      connection.request("GET", "/whoami");
      connection.renegotiate();
      connection.request("GET", "/whoami");
      return false;
    } catch (IOException refused) {
      return true;
    }
  }

  /** Sends {@code head} and then up to {@code bytes} more; returns whether the server stopped it before the end. */
  private boolean sendsTooMuch(MtlsServer server, String head, long bytes) throws Exception {
    try (TlsProbe.Connection connection = pki.clientFor(pki.alice).from("127.0.0.5").connect(server.port())) {
      connection.write(head);
      byte[] chunk = "a".repeat(64 * 1024).getBytes(StandardCharsets.US_ASCII);
      for (long sent = 0; sent < bytes; sent += chunk.length) {
        connection.write(chunk);
      }
      return connection.response().status() >= 400;
    } catch (IOException stopped) {
      return true;
    }
  }

  private static List<Socket> openRaw(MtlsServer server, int count, byte[] first) throws IOException {
    List<Socket> sockets = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      Socket socket = new Socket(InetAddress.getLoopbackAddress(), server.port());
      if (first.length > 0) {
        OutputStream out = socket.getOutputStream();
        out.write(first);
        out.flush();
      }
      sockets.add(socket);
    }
    return sockets;
  }

  @SafeVarargs
  private static void closeAll(List<Socket>... groups) throws IOException {
    for (List<Socket> group : groups) {
      for (Socket socket : group) {
        socket.close();
      }
    }
  }

  private static long openFileDescriptors() throws IOException {
    try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
      return fds.count();
    }
  }

  private static void awaitCount(java.util.function.LongSupplier actual, long expected) {
    Eventually.within(Duration.ofSeconds(10)).await("the count to reach " + expected, actual::getAsLong,
        count -> count == expected);
  }
}
