package dev.mtls.pki.material.renewal;

import static dev.mtls.pki.material.settings.ValueType.url;

import dev.mtls.pki.material.settings.Setting;
import java.net.URI;
import java.util.List;

/** The settings of renewal over EST, declared once for the server's configuration and both command lines. */
public final class RenewalSettings {
  public static final Setting<URI> RENEW_FROM = Setting.optional("renew-from", url(), "none: renewed by hand or by"
      + " another tool", "EST server (https://HOST:PORT) to renew our certificate from by ourselves at two thirds of"
      + " its lifetime, over mTLS with the current one; needs the identity as PEM files, which are replaced");

  /** Every setting above, in the order the reference lists them. */
  public static final List<Setting<?>> ALL = List.of(RENEW_FROM);

  private RenewalSettings() {}
}
