package dev.mtls.server.internal.observe;

import dev.mtls.pki.material.DistinguishedName;
import dev.mtls.pki.material.trust.MissingCrlPolicy;
import dev.mtls.pki.material.trust.Trust;
import dev.mtls.server.Balancers;
import dev.mtls.server.ClientAuthMode;
import dev.mtls.server.ProxyKeys;
import dev.mtls.server.RoleRules;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;

/**
 * The one line a server logs when it starts listening: where, for whom, with which material, until when, and what
 * it will refuse, so an operator sees the configuration that took effect rather than the one they meant.
 */
public record StartupReport(String host, Balancers balancers, ClientAuthMode clientAuth, List<String> protocols,
    String managementHost, ProxyKeys trustedProxies, boolean stapling, Duration maxConnectionLifetime) {

  public String line(int port, int managementPort, X509Certificate certificate, Trust trust, RoleRules roleRules) {
    return "listening on https://" + host + ":" + port
        + (balancers == null ? "" : " behind balancers " + balancers + " (PROXY protocol)")
        + " (client certificates " + clientAuth + ", " + String.join(" ", protocols) + "); management "
        + (managementPort < 0 ? "off" : "on http://" + managementHost + ":" + managementPort)
        + "; server certificate " + DistinguishedName.of(certificate.getSubjectX500Principal()).toDisplayString()
        + " valid until " + certificate.getNotAfter().toInstant() + "; " + trust.anchors().certificates().size()
        + " trust anchor(s); " + revocation(trust) + "; role rules " + roleRules
        + (trustedProxies == null ? "" : "; forwarded client certificates trusted from the proxies with keys "
            + trustedProxies)
        + "; connections and TLS sessions live at most " + maxConnectionLifetime;
  }

  private String revocation(Trust trust) {
    if (!trust.checksRevocation()) {
      return "revocation not checked (no CRL or OCSP responder)";
    }
    String online = trust.revocationSource().map(source -> ", " + source).orElse("");
    return trust.crls().all().size() + " CRL(s)" + online + ", a CA none of them covers is "
        + (trust.missingCrl() == MissingCrlPolicy.REFUSE ? "refused" : "accepted")
        + (stapling ? "; stapling OCSP for our certificate" : "");
  }
}
