package dev.mtls.server.internal.observe;

import dev.mtls.pki.material.DistinguishedName;
import dev.mtls.pki.material.Identity;
import dev.mtls.pki.material.reload.MaterialEvent;
import dev.mtls.pki.material.renewal.RenewalEvent;
import dev.mtls.pki.material.trust.CrlSet;
import dev.mtls.pki.material.trust.Trust;
import dev.mtls.server.AbortedHandshake;
import dev.mtls.server.AcceptedHandshake;
import dev.mtls.server.Http2Abuse;
import dev.mtls.server.Rejection;
import dev.mtls.server.ServedRequest;
import dev.mtls.server.ServerListener;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * The server's metrics, as a listener on its events plus gauges read at scrape time (Micrometer, Prometheus
 * format):
 *
 * <ul>
 *   <li>{@code mtls_handshakes_total{outcome, reason, resumed}}: accepted (TRUSTED), refused, and
 *       aborted_by_client handshakes;
 *   <li>{@code mtls_connection_refusals_total{reason}}: requests refused on an open connection (401 and closed);
 *   <li>{@code mtls_http2_abuse_total{reason}}: HTTP/2 connections ended for a flood, too many streams or a
 *       protocol error ({@link Http2Abuse.Reason});
 *   <li>{@code mtls_requests_total{route, method, status, protocol}} and
 *       {@code mtls_request_duration_seconds{route, method}};
 *   <li>{@code mtls_server_certificate_expiry_seconds}, {@code mtls_trust_anchor_expiry_seconds{anchor}},
 *       {@code mtls_crl_next_update_seconds{issuer, number, source}}: seconds until each runs out (negative once it
 *       has), and {@code mtls_crl_validity_seconds} (nextUpdate - thisUpdate) beside it: a CRL with a quarter of its
 *       validity left is one its publisher failed to renew;
 *   <li>{@code mtls_reload_last_timestamp_seconds{unit}}, {@code mtls_reload_last_success{unit}},
 *       {@code mtls_reloads_total{unit, outcome}};
 *   <li>{@code mtls_certificate_renewals_total{outcome}}: attempts to renew the server certificate over EST,
 *       {@code renewed} or the {@link dev.mtls.pki.material.renewal.RenewalFailure} in lower case.
 * </ul>
 *
 * Every tag value comes from a bounded set, so no client can make the registry grow (each new value is a new
 * series, held for the process's life): outcomes and reasons are enum names, {@code route} is a registered route's
 * pattern or {@code unmatched}, never the path, {@code method} is one of the methods of RFC 9110 and PATCH or else
 * {@code OTHER}, {@code protocol} is {@code HTTP/2}, {@code HTTP/1.1} or {@code HTTP/1.0} or else {@code OTHER},
 * {@code status} is what the server answered. Anchors, CRLs and units come from the operator's
 * material, not from peers.
 */
public final class ServerMetrics implements ServerListener {
  /** The last outcome of one material unit, for gauges and {@code /status}. */
  record UnitState(String unit, boolean applied, String detail, Instant at) {}

  /** The methods a {@code method} tag names as they are; RFC 9110's and PATCH (RFC 5789). */
  private static final Set<String> KNOWN_METHODS = Set.of("GET", "HEAD", "POST", "PUT", "DELETE", "CONNECT",
      "OPTIONS", "TRACE", "PATCH");
  /** The protocols a {@code protocol} tag names as they are. */
  private static final Set<String> KNOWN_PROTOCOLS = Set.of("HTTP/2", "HTTP/1.1", "HTTP/1.0");

  private final PrometheusMeterRegistry registry;
  private final Supplier<Trust> trust;
  private final Clock clock;
  private final Map<String, UnitState> units = new ConcurrentHashMap<>();
  private final MultiGauge anchors;
  private final MultiGauge crls;
  private final MultiGauge crlValidities;

  public ServerMetrics(PrometheusMeterRegistry registry, Supplier<Identity> identity, Supplier<Trust> trust, Clock clock) {
    this.registry = registry;
    this.trust = trust;
    this.clock = clock;
    Gauge.builder("mtls.server.certificate.expiry.seconds",
            () -> secondsUntil(identity.get().certificate().getNotAfter().toInstant()))
        .description("Seconds until the server certificate in service expires").register(registry);
    this.anchors = MultiGauge.builder("mtls.trust.anchor.expiry.seconds")
        .description("Seconds until each trust anchor expires").register(registry);
    this.crls = MultiGauge.builder("mtls.crl.next.update.seconds")
        .description("Seconds until each CRL in service passes its nextUpdate").register(registry);
    this.crlValidities = MultiGauge.builder("mtls.crl.validity.seconds")
        .description("nextUpdate - thisUpdate of each CRL in service, in seconds").register(registry);
  }

  public PrometheusMeterRegistry registry() {
    return registry;
  }

  List<UnitState> units() {
    return new ArrayList<>(units.values());
  }

  @Override
  public void accepted(AcceptedHandshake handshake) {
    Counter.builder("mtls.handshakes").description("TLS handshakes by outcome and reason")
        .tags("outcome", "accepted", "reason", "TRUSTED", "resumed", String.valueOf(handshake.resumed()))
        .register(registry).increment();
  }

  @Override
  public void aborted(AbortedHandshake handshake) {
    Counter.builder("mtls.handshakes").description("TLS handshakes by outcome and reason")
        .tags("outcome", "aborted_by_client", "reason", "CLIENT_ALERT", "resumed", "false").register(registry)
        .increment();
  }

  @Override
  public void refused(Rejection rejection) {
    String reason = rejection.verdict().reason().name();
    if (rejection.stage() == Rejection.Stage.HANDSHAKE) {
      Counter.builder("mtls.handshakes").description("TLS handshakes by outcome and reason")
          .tags("outcome", "refused", "reason", reason, "resumed", "false").register(registry).increment();
    } else if (rejection.stage() == Rejection.Stage.FORWARDED) {
      Counter.builder("mtls.forwarded.refusals")
          .description("Requests refused over a forwarded client certificate (Client-Cert), by reason")
          .tags("reason", reason).register(registry).increment();
    } else {
      Counter.builder("mtls.connection.refusals")
          .description("Requests refused because the connection's trust decision no longer held")
          .tags("reason", reason).register(registry).increment();
    }
  }

  @Override
  public void http2Abuse(Http2Abuse abuse) {
    Counter.builder("mtls.http2.abuse").description("HTTP/2 connections ended (GOAWAY) for a flood, too many streams"
        + " or a protocol error, by reason").tags("reason", abuse.reason().name()).register(registry).increment();
  }

  @Override
  public void served(ServedRequest request) {
    String route = request.route() == null ? "unmatched" : request.route();
    String method = methodTag(request.method());
    String protocol = KNOWN_PROTOCOLS.contains(request.protocol()) ? request.protocol() : "OTHER";
    Counter.builder("mtls.requests").description("Requests by route, status and protocol")
        .tags("route", route, "method", method, "status", String.valueOf(request.status()), "protocol", protocol)
        .register(registry).increment();
    Timer.builder("mtls.request.duration").description("Request duration by route")
        .tags("route", route, "method", method).register(registry).record(request.duration());
  }

  @Override
  public void renewal(RenewalEvent event) {
    String outcome = event instanceof RenewalEvent.Renewed ? "renewed"
        : event instanceof RenewalEvent.Failed failed ? failed.reason().name().toLowerCase(Locale.ROOT) : null;
    if (outcome != null) {
      Counter.builder("mtls.certificate.renewals").description("Attempts to renew the server certificate by outcome:"
          + " renewed, or the reason it failed").tags("outcome", outcome).register(registry).increment();
    }
  }

  @Override
  public void materialChanged(MaterialEvent event) {
    boolean first = !units.containsKey(event.unit());
    units.put(event.unit(), new UnitState(event.unit(), event.applied(), event.detail(), event.at()));
    if (first) {
      Gauge.builder("mtls.reload.last.timestamp.seconds", () -> units.get(event.unit()).at().getEpochSecond())
          .description("When the unit was last loaded or refused").tags("unit", event.unit()).register(registry);
      Gauge.builder("mtls.reload.last.success", () -> units.get(event.unit()).applied() ? 1 : 0)
          .description("1 when the unit's last load went into service, 0 when it was refused")
          .tags("unit", event.unit()).register(registry);
    }
    Counter.builder("mtls.reloads").description("Material loads by unit and outcome")
        .tags("unit", event.unit(), "outcome", event.applied() ? "applied" : "refused").register(registry)
        .increment();
    refreshMaterialGauges();
  }

  /** The per-anchor and per-CRL gauges follow the trust in service (none before the trust is first loaded). */
  void refreshMaterialGauges() {
    Trust current;
    try {
      current = trust.get();
    } catch (IllegalStateException notLoadedYet) {
      return;
    }
    List<MultiGauge.Row<?>> anchorRows = new ArrayList<>();
    for (X509Certificate anchor : current.anchors().certificates()) {
      anchorRows.add(MultiGauge.Row.of(Tags.of("anchor", display(anchor)),
          () -> secondsUntil(anchor.getNotAfter().toInstant())));
    }
    anchors.register(anchorRows, true);
    List<MultiGauge.Row<?>> crlRows = new ArrayList<>();
    List<MultiGauge.Row<?>> validityRows = new ArrayList<>();
    for (Map.Entry<String, List<X509CRL>> source : current.crls().sources().entrySet()) {
      for (X509CRL crl : source.getValue()) {
        Tags tags = Tags.of("issuer", DistinguishedName.of(crl.getIssuerX500Principal()).toDisplayString(), "source",
            source.getKey(), "number", String.valueOf(CrlSet.number(crl)));
        crlRows.add(MultiGauge.Row.of(tags, () -> secondsUntil(crl.getNextUpdate().toInstant())));
        validityRows.add(MultiGauge.Row.of(tags, Duration.between(crl.getThisUpdate().toInstant(),
            crl.getNextUpdate().toInstant()).getSeconds()));
      }
    }
    crls.register(crlRows, true);
    crlValidities.register(validityRows, true);
  }

  /** A request's method as a tag: a known method as it is, any other (a client may invent them) {@code OTHER}. */
  static String methodTag(String method) {
    return KNOWN_METHODS.contains(method) ? method : "OTHER";
  }

  private long secondsUntil(Instant instant) {
    return Duration.between(clock.instant(), instant).getSeconds();
  }

  private static String display(X509Certificate certificate) {
    return DistinguishedName.of(certificate.getSubjectX500Principal()).toDisplayString();
  }

}
