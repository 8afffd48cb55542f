package dev.mtls.server.internal.identity;

import dev.mtls.pki.material.SafeText;
import dev.mtls.pki.material.SubjectAltName;
import dev.mtls.server.ClientIdentity;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Says once per certificate that a client is an X509-SVID with more than one URI name, which URI rules therefore
 * grant nothing ({@link SpiffeId#tooManyForAnSvid}): the operator otherwise sees only a workload without its
 * roles. Only certificates the trust core accepted get here, so their number is what trusted CAs issued; the
 * certificates remembered are bounded all the same, and each line is too (a few names, each cut short, escaped).
 */
final class SvidWarnings {
  private static final Logger LOG = LoggerFactory.getLogger(SvidWarnings.class);
  static final int REMEMBERED = 1024;
  private static final int NAMES_SHOWN = 3;
  private static final int NAME_LENGTH_SHOWN = 200;

  private final Map<String, Boolean> warned = new LinkedHashMap<>(16, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
      return size() > REMEMBERED;
    }
  };

  /** Warns, the first time it sees {@code identity}, when it is an SVID with more than one URI name. */
  void check(ClientIdentity identity) {
    List<String> uris = identity.altNames(SubjectAltName.Type.URI);
    if (!SpiffeId.tooManyForAnSvid(uris)) {
      return;
    }
    synchronized (warned) {
      if (warned.put(identity.sha256Fingerprint(), Boolean.TRUE) != null) {
        return;
      }
    }
    String shown = uris.stream().limit(NAMES_SHOWN)
        .map(uri -> SafeText.escape(uri.length() > NAME_LENGTH_SHOWN ? uri.substring(0, NAME_LENGTH_SHOWN) + "..."
            : uri))
        .collect(Collectors.joining(", ")) + (uris.size() > NAMES_SHOWN ? ", ..." : "");
    LOG.warn("client {} is an X509-SVID with {} URI names ({}), and an SVID has exactly one: no san.uri rule grants"
        + " it a role (its other rules still apply); have its CA issue one SPIFFE ID per certificate",
        SafeText.escape(identity.toString()), uris.size(), shown);
  }
}
