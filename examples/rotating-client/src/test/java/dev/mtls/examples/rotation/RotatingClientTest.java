package dev.mtls.examples.rotation;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mtls.client.ClientHandshake;
import dev.mtls.client.ClientListener;
import dev.mtls.client.FailedRequest;
import dev.mtls.client.MtlsClient;
import dev.mtls.client.MtlsException;
import dev.mtls.pki.material.reload.MaterialEvent;
import dev.mtls.server.Responses;
import dev.mtls.server.Roles;
import dev.mtls.server.ServedRequest;
import dev.mtls.server.testing.RunningServer;
import dev.mtls.testing.Eventually;
import dev.mtls.testing.Recorder;
import dev.mtls.testing.pki.Issued;
import io.undertow.util.Methods;
import java.math.BigInteger;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The certificate is renewed (a new serial, as cert-manager renews) while three threads make requests: no request
 * fails, and the server sees the new serial on the connections made after the renewal.
 */
class RotatingClientTest {
  private static final Duration POLL = Duration.ofMillis(100);

  @RegisterExtension
  final RunningServer running = RunningServer.serving(builder -> builder
      .route(Methods.GET, "/api/stock", Roles.anyClient(), exchange -> Responses.text(exchange, 200, "12 widgets")));

  @TempDir
  Path dir;

  private final Recorder<Object> events = new Recorder<>();

  @Test
  void renews_its_certificate_while_requesting_with_no_failed_request() throws Exception {
    CertManagerVolume volume = new CertManagerVolume(dir);
    Issued first = running.issue("CN=stock-client,OU=shop,O=Demo");
    Issued renewed = running.issue("CN=stock-client,OU=shop,O=Demo");
    volume.publish(first, running.fixture().pki.anchors());
    BigInteger oldSerial = first.certificate().getSerialNumber();
    BigInteger newSerial = renewed.certificate().getSerialNumber();

    AtomicBoolean requesting = new AtomicBoolean(true);
    AtomicInteger ok = new AtomicInteger();
    List<MtlsException> thrown = new CopyOnWriteArrayList<>();
    ExecutorService threads = Executors.newFixedThreadPool(3);
    try (MtlsClient client = RotatingClient.connect(dir, POLL, ClientListener.forwardingTo(events))) {
      List<Future<?>> loops = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        loops.add(threads.submit(() -> {
          while (requesting.get()) {
            try {
              if (client.get(URI.create("https://localhost:" + running.port() + "/api/stock")).status() == 200) {
                ok.incrementAndGet();
              }
            } catch (MtlsException e) {
              thrown.add(e);
            }
          }
        }));
      }
      Eventually.within(Duration.ofSeconds(20)).until("30 requests served", () -> ok.get() >= 30);

      volume.publish(renewed, running.fixture().pki.anchors());
      Eventually.within(Duration.ofSeconds(20)).until("50 requests with the renewed certificate",
          () -> served(newSerial) >= 50);
      requesting.set(false);
      for (Future<?> loop : loops) {
        loop.get();
      }
    } finally {
      threads.shutdownNow();
    }

    assertThat(thrown).isEmpty();
    assertThat(events.all(FailedRequest.class)).isEmpty();
    assertThat(events.all(MaterialEvent.class)).filteredOn(MaterialEvent::applied).extracting(MaterialEvent::unit)
        .anyMatch(unit -> unit.startsWith("client identity"));
    assertThat(events.all(ClientHandshake.class)).filteredOn(h -> h.ourCertificate().getSerialNumber().equals(newSerial))
        .isNotEmpty().allSatisfy(h -> assertThat(h.generation()).isGreaterThan(1));
    List<BigInteger> serials = running.events().all(ServedRequest.class).stream()
        .map(r -> r.caller().identity().serialNumber()).toList();
    assertThat(serials).contains(oldSerial, newSerial);
    // The old connections drained: once they had finished, every request came with the new certificate.
    assertThat(serials.subList(serials.lastIndexOf(oldSerial) + 1, serials.size())).hasSizeGreaterThanOrEqualTo(40)
        .containsOnly(newSerial);
  }

  private long served(BigInteger serial) {
    return running.events().all(ServedRequest.class).stream().map(ServedRequest::caller)
        .filter(caller -> caller != null && caller.identity().serialNumber().equals(serial)).count();
  }
}
