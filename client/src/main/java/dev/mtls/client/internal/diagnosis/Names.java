package dev.mtls.client.internal.diagnosis;

import dev.mtls.pki.material.DistinguishedName;
import dev.mtls.pki.material.SafeText;
import java.security.Principal;
import java.util.ArrayList;
import java.util.List;
import javax.security.auth.x500.X500Principal;

/** Names of CAs as a diagnosis shows them: escaped, and at most a few of a long list. */
final class Names {
  /** How many CAs a diagnosis names before it only counts the rest. */
  static final int MAX_SHOWN = 5;

  private Names() {}

  static String display(X500Principal principal) {
    return DistinguishedName.of(principal).toDisplayString();
  }

  /** The CAs a server accepts or we trust, e.g. {@code CN=Root A; CN=Root B and 3 more}; "any CA" for none. */
  static String issuers(List<Principal> principals) {
    if (principals.isEmpty()) {
      return "any CA";
    }
    List<String> shown = new ArrayList<>();
    for (int i = 0; i < principals.size() && i < MAX_SHOWN; i++) {
      Principal principal = principals.get(i);
      shown.add(principal instanceof X500Principal x500 ? display(x500) : SafeText.escape(principal.getName()));
    }
    String list = String.join("; ", shown);
    return principals.size() > MAX_SHOWN ? list + " and " + (principals.size() - MAX_SHOWN) + " more" : list;
  }
}
