package dev.mtls.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mtls.client.ClientListener;
import dev.mtls.client.MtlsClient;
import dev.mtls.client.MtlsException;
import dev.mtls.client.MtlsResponse;
import dev.mtls.pki.EstEvent;
import dev.mtls.pki.EstRefusal;
import dev.mtls.pki.material.TrustAnchors;
import dev.mtls.pki.material.renewal.RenewalEvent;
import dev.mtls.pki.material.renewal.RenewalFailure;
import dev.mtls.server.MtlsServer;
import dev.mtls.server.ServedRequest;
import dev.mtls.server.ServerListener;
import dev.mtls.server.app.DemoRoutes;
import dev.mtls.testing.Eventually;
import dev.mtls.testing.Recorder;
import java.math.BigInteger;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.Isolated;

/**
 * Short-lived certificates that renew themselves: a server and a client, each given a certificate valid for seconds
 * and the CA's EST URL ({@link EstCa}: the {@code pki serve} library), renew over EST while four threads call the
 * server, with no failed request; with the CA down they serve on with what they have and renew when it is back; a
 * revoked client cannot renew.
 */
@Isolated // Timed by real certificate lifetimes: nothing else runs beside it.
class SelfRenewingScenarioTest {
  @TempDir Path dir;

  private final Recorder<RenewalEvent> serverEvents = new Recorder<>(Duration.ofSeconds(60));
  private final Recorder<RenewalEvent> clientEvents = new Recorder<>(Duration.ofSeconds(60));
  /** The serial of each client certificate the server accepted a request with. */
  private final Set<BigInteger> clientSerials = ConcurrentHashMap.newKeySet();

  @Test
  @Tag("long")
  void a_server_and_a_client_renew_ten_times_each_while_four_threads_call_without_a_failure() throws Exception {
    Duration lifetime = Duration.ofSeconds(8);
    try (EstCa ca = EstCa.start(dir, lifetime)) {
      ca.issueServer("server", lifetime);
      ca.issueClient("carol", lifetime);
      try (MtlsServer server = server(ca); MtlsClient carol = client(ca, "carol");
          Callers callers = new Callers(carol, server, 4)) {
        // 10 renewals at two thirds of 8 s: about 55 s.
        Eventually.within(Duration.ofSeconds(150)).until("10 renewals on each side",
            () -> renewed(serverEvents).size() >= 10 && renewed(clientEvents).size() >= 10);
        Set<BigInteger> renewedClient = serials(renewed(clientEvents));
        Set<BigInteger> renewedServer = serials(renewed(serverEvents));
        try {
          Eventually.within(Duration.ofSeconds(20)).await("the server to see each new client certificate, the client"
              + " each new server certificate (the serials not seen yet)", () -> List.of(
                  missing(renewedClient, clientSerials), missing(renewedServer, callers.serverSerials)),
              notSeen -> notSeen.get(0).isEmpty() && notSeen.get(1).isEmpty());
        } catch (AssertionError e) {
          throw new AssertionError(e.getMessage() + "\n" + callers.state(), e);
        }
        callers.close();

        assertThat(callers.failures).as("failed requests").isEmpty();
        assertThat(callers.answered.get()).isGreaterThan(100);
        assertThat(serverEvents.all(RenewalEvent.Failed.class)).isEmpty();
        assertThat(clientEvents.all(RenewalEvent.Failed.class)).isEmpty();
      }
    }
  }

  @Test
  void with_the_ca_down_the_current_certificate_serves_and_renewal_resumes_when_it_is_back() throws Exception {
    Duration lifetime = Duration.ofSeconds(15);
    try (EstCa ca = EstCa.start(dir, lifetime)) {
      ca.issueServer("server", Duration.ofHours(1));
      BigInteger first = ca.issueClient("dave", lifetime);
      ca.stop();
      try (MtlsServer server = server(ca); MtlsClient dave = client(ca, "dave");
          Callers callers = new Callers(dave, server, 2)) {
        RenewalEvent.Failed failed = clientEvents.awaitFirst(RenewalEvent.Failed.class);
        assertThat(clientSerials).as("the current certificate serves").containsExactly(first);

        ca.resume();
        RenewalEvent.Renewed renewed = clientEvents.awaitFirst(RenewalEvent.Renewed.class);
        Eventually.await("the server to see the renewed certificate",
            () -> clientSerials.contains(renewed.newSerial()));
        callers.close();

        assertThat(failed.reason()).isEqualTo(RenewalFailure.UNAVAILABLE);
        assertThat(renewed.oldSerial()).isEqualTo(first);
        assertThat(callers.failures).as("failed requests").isEmpty();
      }
    }
  }

  @Test
  void a_revoked_client_cannot_renew_and_keeps_its_certificate_until_it_is_refused() throws Exception {
    Duration lifetime = Duration.ofSeconds(6);
    try (EstCa ca = EstCa.start(dir, lifetime)) {
      ca.issueServer("server", Duration.ofHours(1));
      BigInteger erin = ca.issueClient("erin", lifetime);
      ca.revoke(erin);
      try (MtlsClient client = client(ca, "erin")) {
        RenewalEvent.Failed failed = clientEvents.awaitFirst(RenewalEvent.Failed.class);
        EstEvent refused = ca.events().awaitFirst(EstEvent.class, event -> event.refusal() != null);

        assertThat(refused.refusal()).isEqualTo(EstRefusal.CERTIFICATE_REVOKED);
        assertThat(failed.reason()).isEqualTo(RenewalFailure.REFUSED);
        assertThat(failed.message()).contains("revoked");
        assertThat(clientEvents.all(RenewalEvent.Renewed.class)).isEmpty();
      }
    }
  }

  private MtlsServer server(EstCa ca) {
    AtomicReference<MtlsServer> self = new AtomicReference<>();
    MtlsServer server = DemoRoutes.register(MtlsServer.builder(), () -> self.get().reload())
        .identityPem(ca.chain("server"), ca.key("server"), null)
        .trustPem(ca.rootPem())
        .roleRulesFile(Artifacts.serverExample("roles.conf"))
        .routeRulesFile(Artifacts.serverExample("routes.conf"))
        .renewFrom(ca.url())
        .listener(new ServerListener() {
          @Override
          public void served(ServedRequest request) {
            if (request.caller() != null) {
              clientSerials.add(request.caller().identity().serialNumber());
            }
          }

          @Override
          public void renewal(RenewalEvent event) {
            serverEvents.accept(event);
          }
        })
        .host("127.0.0.1").port(0).managementPort(-1)
        .build();
    self.set(server);
    return server.start();
  }

  private MtlsClient client(EstCa ca, String name) {
    return MtlsClient.builder()
        .identityPem(ca.chain(name), ca.key(name), null)
        .trust(TrustAnchors.loadPem(ca.rootPem()))
        .renewFrom(ca.url())
        .listener(new ClientListener() {
          @Override
          public void renewal(RenewalEvent event) {
            clientEvents.accept(event);
          }
        })
        .build();
  }

  private static List<RenewalEvent.Renewed> renewed(Recorder<RenewalEvent> events) {
    return events.all(RenewalEvent.Renewed.class);
  }

  private static Set<BigInteger> missing(Set<BigInteger> expected, Set<BigInteger> seen) {
    Set<BigInteger> missing = new java.util.TreeSet<>(expected);
    missing.removeAll(seen);
    return missing;
  }

  private static Set<BigInteger> serials(List<RenewalEvent.Renewed> renewed) {
    return renewed.stream().map(RenewalEvent.Renewed::newSerial).collect(Collectors.toSet());
  }

  /** Threads calling {@code /whoami} until closed, keeping the certificates each side saw of the other. */
  private static final class Callers implements AutoCloseable {
    final Set<BigInteger> serverSerials = ConcurrentHashMap.newKeySet();
    final List<String> failures = new CopyOnWriteArrayList<>();
    final AtomicInteger answered = new AtomicInteger();
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final List<Thread> threads = new ArrayList<>();

    Callers(MtlsClient client, MtlsServer server, int count) {
      for (int i = 0; i < count; i++) {
        Thread thread = new Thread(() -> call(client, server), "caller-" + i);
        thread.start();
        threads.add(thread);
      }
      Eventually.await("a first answer", () -> answered.get() > 0 || !failures.isEmpty());
    }

    private void call(MtlsClient client, MtlsServer server) {
      while (running.get()) {
        try {
          MtlsResponse response = client.get("https://localhost:" + server.port() + "/whoami");
          if (response.status() == 200) {
            answered.incrementAndGet();
            serverSerials.add(response.tls().serverChain().get(0).getSerialNumber());
          } else {
            failures.add("status " + response.status() + ": " + response.bodyText());
          }
        } catch (MtlsException e) {
          failures.add(e.getDiagnosis().render());
        } catch (RuntimeException e) {
          failures.add(e.toString());
        }
      }
    }

    /** What the callers did and where each is now: for a failure's message. */
    String state() {
      StringBuilder state = new StringBuilder("answered " + answered + ", failures " + failures);
      for (Thread thread : threads) {
        state.append("\n").append(thread.getName()).append(" ").append(thread.getState());
        for (StackTraceElement frame : thread.getStackTrace()) {
          state.append("\n    at ").append(frame);
        }
      }
      return state.toString();
    }

    @Override
    public void close() throws InterruptedException {
      running.set(false);
      for (Thread thread : threads) {
        thread.join(Duration.ofSeconds(30).toMillis());
      }
    }
  }
}
