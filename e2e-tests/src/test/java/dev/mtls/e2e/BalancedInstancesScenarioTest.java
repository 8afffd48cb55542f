package dev.mtls.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mtls.client.MtlsClient;
import dev.mtls.client.MtlsException;
import dev.mtls.client.MtlsResponse;
import dev.mtls.pki.material.trust.Reason;
import dev.mtls.testing.Eventually;
import dev.mtls.testing.peers.ExternalProcess;
import dev.mtls.testing.peers.FreePort;
import dev.mtls.testing.peers.Peer;
import dev.mtls.testing.peers.RequiresPeer;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.parallel.Isolated;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Three server processes behind a real L4 balancer, HAProxy ({@code mode tcp}, PROXY v2) and nginx ({@code stream},
 * PROXY v1), run from the repository's examples ({@code deploy/passthrough/}): eight clients see no failure
 * while one instance is stopped (SIGTERM) and started again, their requests reach every instance, the server sees
 * the client's own address through the balancer, and a client revoked at the CA is refused by every instance within
 * the revocation max age, learnt from the CA's publication server (no file copied to any instance), and HTTP/2
 * negotiated by ALPN passes through them.
 */
@Tag("long")
@Isolated // Long and timed: nothing else runs beside it.
@RequiresPeer({Peer.HAPROXY, Peer.NGINX, Peer.NGINX_STREAM, Peer.CURL})
class BalancedInstancesScenarioTest {
  private static final int CLIENTS = 8;
  /** Requests each phase of the load must see answered: with all three instances, with one stopped, after. */
  private static final int PER_PHASE = 300;
  private static final Duration MAX_AGE = Duration.ofSeconds(2);

  @TempDir static Path dir;
  static PublishingCa ca;
  static final List<Path> configs = new ArrayList<>();
  static final List<ServerProcess> instances = new ArrayList<>();

  @BeforeAll
  static void start() throws IOException {
    ca = PublishingCa.start(dir);
    ca.issueClient("alice");
    for (int i = 1; i <= 3; i++) {
      Path config = ServerProcess.config(dir.resolve("instance-" + i), ca.chain("server"), ca.key("server"),
          ca.rootPem(), "proxy-protocol-from = 127.0.0.1\nocsp = aia\ncrl-distribution-points = on\n"
              + "revocation-timeout = 10s\n"
              + "revocation-max-age = " + MAX_AGE.toSeconds() + "s");
      ServerProcess instance = ServerProcess.start(config);
      // Started again on the same port after a stop, as a balancer's server list expects.
      Files.writeString(config, Files.readString(config).replace("\nport = 0\n", "\nport = " + instance.port() + "\n"));
      configs.add(config);
      instances.add(instance);
    }
  }

  @AfterAll
  static void stop() {
    instances.forEach(ServerProcess::close);
    if (ca != null) {
      ca.close();
    }
  }

  /** Starts {@code balancer} from its example in deploy/passthrough, in front of the three instances. */
  private static Balancer balancer(String name) throws Exception {
    int port = FreePort.pick();
    Path prefix = Files.createDirectories(dir.resolve(name + "-" + port));
    String example = name.equals("haproxy") ? "haproxy.cfg" : "nginx-stream.conf";
    String text = Files.readString(Artifacts.basedir().resolve("../deploy/passthrough/" + example).normalize(),
        StandardCharsets.UTF_8)
        .replace("{{LISTEN_PORT}}", Integer.toString(port))
        .replace("{{PREFIX}}", prefix.toString())
        .replace("{{STREAM_MODULE}}", "/usr/lib/nginx/modules/ngx_stream_module.so");
    for (int i = 0; i < 3; i++) {
      text = text.replace("{{BACKEND_PORT_" + (i + 1) + "}}", Integer.toString(instances.get(i).port()));
    }
    assertThat(text).doesNotContain("{{");
    Path file = Files.writeString(prefix.resolve(example), text, StandardCharsets.UTF_8);
    List<String> command = name.equals("haproxy")
        ? List.of(Peer.HAPROXY.path(), "-f", file.toString(), "-db")
        : List.of(Peer.NGINX.path(), "-p", prefix + "/", "-c",
            file.toString(), "-e", prefix.resolve("error.log").toString(), "-g", "daemon off;");
    ExternalProcess process = ExternalProcess.start(command, Map.of(), null);
    Eventually.within(Duration.ofSeconds(15)).until(name + " to listen on " + port, () -> {
      if (!process.isAlive()) {
        throw new AssertionError(name + " did not start: " + process.stderrSoFar());
      }
      return FreePort.isListening(port);
    });
    return new Balancer(process, port);
  }

  private record Balancer(ExternalProcess process, int port) implements AutoCloseable {
    URI url(String path) {
      return URI.create("https://localhost:" + port + path);
    }

    @Override
    public void close() {
      process.close();
    }
  }

  /** Every request an instance served so far (its /metrics, all routes and statuses). */
  private static double served(ServerProcess instance) throws Exception {
    Matcher lines = Pattern.compile("(?m)^mtls_requests_total\\{[^}]*} (\\S+)$")
        .matcher(instance.management("/metrics").body());
    double total = 0;
    while (lines.find()) {
      total += Double.parseDouble(lines.group(1));
    }
    return total;
  }

  private static double servedQuietly(ServerProcess instance) {
    try {
      return served(instance);
    } catch (Exception e) {
      return 0;
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"haproxy", "nginx"})
  void eight_clients_see_no_failure_while_an_instance_restarts_and_every_instance_serves(String name)
      throws Exception {
    try (Balancer balancer = balancer(name)) {
      double[] before = new double[3];
      for (int i = 0; i < 3; i++) {
        before[i] = served(instances.get(i));
      }
      AtomicInteger ok = new AtomicInteger();
      AtomicBoolean loading = new AtomicBoolean(true);
      ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
      ExecutorService clients = Executors.newFixedThreadPool(CLIENTS);
      List<Future<?>> running = new ArrayList<>();
      for (int c = 0; c < CLIENTS; c++) {
        running.add(clients.submit(() -> {
          try (MtlsClient client = ca.client("alice").build()) {
            while (loading.get()) {
              try {
                MtlsResponse response = client.get(balancer.url("/whoami"));
                if (response.status() == 200) {
                  ok.incrementAndGet();
                } else {
                  failures.add("HTTP " + response.status());
                }
              } catch (MtlsException e) {
                failures.add(e.getDiagnosis().render());
              }
            }
          }
          return null;
        }));
      }
      Duration phase = Duration.ofSeconds(60);
      Eventually.within(phase).until(PER_PHASE + " requests through three instances", () -> ok.get() >= PER_PHASE);
      ServerProcess stopping = instances.get(1);
      double servedByStopped = served(stopping) - before[1];
      assertThat(stopping.terminate(Duration.ofSeconds(15))).as("instance 2 stops on SIGTERM").isTrue();
      stopping.close();
      int afterStop = ok.get();
      Eventually.within(phase).until(PER_PHASE + " more with instance 2 stopped",
          () -> ok.get() >= afterStop + PER_PHASE);
      instances.set(1, ServerProcess.start(configs.get(1)));
      // The eight clients keep the connections they have; new connections are the ones the balancer spreads.
      Eventually.within(phase).until("a new connection to reach instance 2 after its restart", () -> {
        Clients.send(ca.client("alice"), "GET", balancer.url("/whoami"));
        return servedQuietly(instances.get(1)) > 0;
      });
      int afterRestart = ok.get();
      Eventually.within(phase).until(PER_PHASE + " more with instance 2 back",
          () -> ok.get() >= afterRestart + PER_PHASE);
      loading.set(false);
      for (Future<?> client : running) {
        client.get(30, TimeUnit.SECONDS);
      }
      clients.shutdown();

      System.out.printf("%s: %d requests answered 200, %d failed%n", name, ok.get(), failures.size());
      assertThat(failures).as(ok.get() + " requests answered 200").isEmpty();
      assertThat(served(instances.get(0)) - before[0]).as("instance 1").isPositive();
      assertThat(servedByStopped + served(instances.get(1))).as("instance 2, before and after its restart")
          .isPositive();
      assertThat(served(instances.get(2)) - before[2]).as("instance 3").isPositive();

      // The server sees the client's own address (127.0.0.2 here), not the balancer's (127.0.0.1).
      ExternalProcess.Result curl = ExternalProcess.run(List.of(Peer.CURL.path(), "-s",
          "--interface", "127.0.0.2", "--cacert", ca.rootPem().toString(), "--cert", ca.chain("alice").toString(),
          "--key", ca.key("alice").toString(), balancer.url("/whoami").toString()), Duration.ofSeconds(30));
      assertThat(curl.stdout()).contains("\"peer\":\"127.0.0.2:");

      // The balancer passes TLS through untouched, ALPN included: h2 end to end.
      ExternalProcess.Result h2 = ExternalProcess.run(List.of(Peer.CURL.path(), "-s", "--http2",
          "--write-out", "\n%{http_version}", "--cacert", ca.rootPem().toString(), "--cert",
          ca.chain("alice").toString(), "--key", ca.key("alice").toString(), balancer.url("/whoami").toString()),
          Duration.ofSeconds(30));
      assertThat(h2.stdout()).as(h2.describe()).contains("\"subject\":\"CN=alice").endsWith("\n2");
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"haproxy", "nginx"})
  void a_client_revoked_at_the_ca_is_refused_by_every_instance_within_the_max_age(String name) throws Exception {
    String client = "revoked-via-" + name;
    ca.issueClient(client);
    try (Balancer balancer = balancer(name)) {
      // Each new connection goes to the next instance: six reach every instance twice.
      for (int i = 0; i < 6; i++) {
        assertThat(Clients.send(ca.client(client), "GET", balancer.url("/whoami")).status()).isEqualTo(200);
      }
      Map<ServerProcess, Double> refusedBefore = new LinkedHashMap<>();
      for (ServerProcess instance : instances) {
        refusedBefore.put(instance, instance.awaitMetric(ServerProcess.refusedHandshakes(Reason.REVOKED), 0));
      }

      ca.revoke(client);
      // Real time is the subject: every instance may rely on the answer it fetched for the max age, no longer.
      Thread.sleep(MAX_AGE.plusSeconds(1).toMillis());
      for (int i = 0; i < 6; i++) {
        Clients.refused(ca.client(client), "GET", balancer.url("/whoami"));
      }

      for (ServerProcess instance : instances) {
        instance.awaitMetric(ServerProcess.refusedHandshakes(Reason.REVOKED), refusedBefore.get(instance) + 1);
      }
    }
  }
}
