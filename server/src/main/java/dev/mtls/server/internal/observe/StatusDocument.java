package dev.mtls.server.internal.observe;

import dev.mtls.pki.material.DistinguishedName;
import dev.mtls.pki.material.Identity;
import dev.mtls.pki.material.trust.CrlSet;
import dev.mtls.pki.material.trust.Trust;
import dev.mtls.server.ClientAuthMode;
import java.security.GeneralSecurityException;
import java.security.Provider;
import java.security.Signature;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;
import javax.crypto.Cipher;
import javax.crypto.KeyAgreement;
import javax.crypto.Mac;

/**
 * What the management port's {@code GET /status} shows: the material in service and until when, how each unit's
 * last load went, the TLS settings and crypto providers, and the counters of handshakes and requests.
 */
public final class StatusDocument {
  private final ServerMetrics metrics;
  private final Supplier<Identity> identity;
  private final Supplier<Trust> trust;
  private final Clock clock;
  private final ClientAuthMode clientAuth;
  /** Who speaks TLS: the JDK's SunJSSE, or Conscrypt (tls-engine); name and version. */
  private final String tlsProvider;
  private final List<String> protocols;

  public StatusDocument(ServerMetrics metrics, Supplier<Identity> identity, Supplier<Trust> trust, Clock clock,
      ClientAuthMode clientAuth, List<String> protocols, String tlsProvider) {
    this.metrics = metrics;
    this.identity = identity;
    this.trust = trust;
    this.clock = clock;
    this.clientAuth = clientAuth;
    this.protocols = List.copyOf(protocols);
    this.tlsProvider = tlsProvider;
  }

  public Map<String, Object> render(boolean ready) {
    Trust current = trust.get();
    Map<String, Object> status = new LinkedHashMap<>();
    status.put("ready", ready);
    status.put("serverCertificate", certificate(identity.get().certificate()));
    List<Object> anchors = new ArrayList<>();
    current.anchors().certificates().forEach(anchor -> anchors.add(certificate(anchor)));
    status.put("trustAnchors", anchors);
    status.put("crls", crls(current));
    status.put("missingCrl", current.missingCrl().name().toLowerCase(Locale.ROOT));
    List<Object> units = new ArrayList<>();
    for (ServerMetrics.UnitState unit : metrics.units()) {
      Map<String, Object> entry = new LinkedHashMap<>();
      entry.put("unit", unit.unit());
      entry.put("outcome", unit.applied() ? "applied" : "refused");
      entry.put("at", unit.at().toString());
      entry.put("detail", unit.detail());
      units.add(entry);
    }
    status.put("material", units);
    Map<String, Object> handshakes = new LinkedHashMap<>();
    metrics.registry().find("mtls.handshakes").counters().forEach(counter -> handshakes.merge(
        counter.getId().getTag("outcome") + " " + counter.getId().getTag("reason"), (long) counter.count(),
        (a, b) -> (Long) a + (Long) b));
    status.put("handshakes", handshakes);
    Map<String, Object> requests = new LinkedHashMap<>();
    metrics.registry().find("mtls.requests").counters().forEach(counter -> requests.merge(
        counter.getId().getTag("status"), (long) counter.count(), (a, b) -> (Long) a + (Long) b));
    status.put("requestsByStatus", requests);
    status.put("clientAuth", clientAuth.name());
    status.put("protocols", protocols);
    status.put("tlsProvider", tlsProvider);
    status.put("cryptoProviders", cryptoProviders());
    return status;
  }

  private List<Object> crls(Trust current) {
    List<Object> crls = new ArrayList<>();
    for (Map.Entry<String, List<X509CRL>> source : current.crls().sources().entrySet()) {
      for (X509CRL crl : source.getValue()) {
        Map<String, Object> entry = new LinkedHashMap<>();
        entry.put("issuer", DistinguishedName.of(crl.getIssuerX500Principal()).toDisplayString());
        entry.put("source", source.getKey());
        entry.put("number", CrlSet.number(crl).toString());
        entry.put("thisUpdate", crl.getThisUpdate().toInstant().toString());
        entry.put("nextUpdate", crl.getNextUpdate().toInstant().toString());
        entry.put("secondsUntilNextUpdate", secondsUntil(crl.getNextUpdate().toInstant()));
        crls.add(entry);
      }
    }
    return crls;
  }

  private Map<String, Object> certificate(X509Certificate certificate) {
    Map<String, Object> entry = new LinkedHashMap<>();
    entry.put("subject", DistinguishedName.of(certificate.getSubjectX500Principal()).toDisplayString());
    entry.put("serial", certificate.getSerialNumber().toString(16));
    entry.put("notAfter", certificate.getNotAfter().toInstant().toString());
    entry.put("secondsUntilExpiry", secondsUntil(certificate.getNotAfter().toInstant()));
    return entry;
  }

  private long secondsUntil(Instant instant) {
    return Duration.between(clock.instant(), instant).getSeconds();
  }

  /** Which JCA provider computes each primitive of a handshake and of the records now (a JVM-wide choice). */
  private static Map<String, Object> cryptoProviders() {
    Map<String, Object> providers = new LinkedHashMap<>();
    providers.put("SHA256withECDSA", provider(() -> Signature.getInstance("SHA256withECDSA").getProvider()));
    providers.put("ECDH", provider(() -> KeyAgreement.getInstance("ECDH").getProvider()));
    providers.put("X25519", provider(() -> KeyAgreement.getInstance("X25519").getProvider()));
    providers.put("AES/GCM/NoPadding", provider(() -> Cipher.getInstance("AES/GCM/NoPadding").getProvider()));
    providers.put("HmacSHA256", provider(() -> Mac.getInstance("HmacSHA256").getProvider()));
    return providers;
  }

  private interface ProviderLookup {
    Provider find() throws GeneralSecurityException;
  }

  private static String provider(ProviderLookup lookup) {
    try {
      return lookup.find().getName();
    } catch (GeneralSecurityException e) {
      return "unavailable";
    }
  }
}
