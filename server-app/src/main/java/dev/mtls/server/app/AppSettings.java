package dev.mtls.server.app;

import static dev.mtls.pki.material.settings.ValueType.list;
import static dev.mtls.pki.material.settings.ValueType.path;
import static dev.mtls.pki.material.settings.ValueType.text;

import dev.mtls.pki.material.CryptoProvider;
import dev.mtls.pki.material.renewal.RenewalSettings;
import dev.mtls.pki.material.revocation.RevocationSettings;
import dev.mtls.pki.material.settings.Setting;
import dev.mtls.server.ServerSettings;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The settings of the runnable server that the library leaves to its user: where its key material is and how its
 * passwords are given (never as values: a file's first line, an environment variable, or a prompt), and the crypto
 * provider. {@link #ALL} lists every key the server reads, these and the library's, in the reference's order.
 */
final class AppSettings {
  static final Setting<Path> CERTIFICATE = Setting.optional("certificate", path("PEM"), "none",
      "server certificate chain, PEM, leaf first, then intermediates (cert-manager's tls.crt)");
  static final Setting<Path> KEY = Setting.optional("key", path("PEM"), "none",
      "server private key, PEM, encrypted or not (cert-manager's tls.key)");
  static final Setting<Path> KEY_PASSWORD_FILE = Setting.optional("key-password-file", path("FILE"), "none",
      "file whose first line is the key's password");
  static final Setting<String> KEY_PASSWORD_ENV = Setting.optional("key-password-env", text("VARIABLE"), "none",
      "environment variable holding the key's password");
  static final Setting<Path> KEYSTORE = Setting.optional("keystore", path("P12"), "none",
      "server identity as PKCS#12 instead of certificate and key");
  static final Setting<String> KEYSTORE_ALIAS = Setting.optional("keystore-alias", text("ALIAS"),
      "its only key entry", "key entry in the keystore");
  static final Setting<Path> KEYSTORE_PASSWORD_FILE = Setting.optional("keystore-password-file", path("FILE"),
      "prompt on a terminal", "file whose first line is the keystore password");
  static final Setting<String> KEYSTORE_PASSWORD_ENV = Setting.optional("keystore-password-env", text("VARIABLE"),
      "prompt on a terminal", "environment variable holding the keystore password");
  static final Setting<Path> TRUST = Setting.optional("trust", path("PEM"), "none",
      "CA certificates that issue client certificates, PEM bundle (cert-manager's ca.crt)");
  static final Setting<Path> TRUSTSTORE = Setting.optional("truststore", path("P12"), "none",
      "trusted CA certificates as PKCS#12 instead of a PEM bundle");
  static final Setting<Path> TRUSTSTORE_PASSWORD_FILE = Setting.optional("truststore-password-file", path("FILE"),
      "prompt on a terminal", "file whose first line is the truststore password");
  static final Setting<String> TRUSTSTORE_PASSWORD_ENV = Setting.optional("truststore-password-env",
      text("VARIABLE"), "prompt on a terminal", "environment variable holding the truststore password");
  static final Setting<List<Path>> CRL = Setting.optional("crl", list(path("PEM")), "none: revocation is not"
      + " checked", "CRL file(s), PEM, comma-separated (pki crl's crl.pem holds the issuing CA's and the root's);"
      + " reloaded when they change");
  static final Setting<CryptoProvider> CRYPTO_PROVIDER = CryptoProvider.SETTING;

  /** Every key of the configuration file and command line, in the reference's order. */
  static final List<Setting<?>> ALL = all();

  private AppSettings() {}

  private static List<Setting<?>> all() {
    List<Setting<?>> all = new ArrayList<>();
    all.addAll(List.of(ServerSettings.HOST, ServerSettings.PORT, ServerSettings.MANAGEMENT_HOST,
        ServerSettings.MANAGEMENT_PORT, CERTIFICATE, KEY, KEY_PASSWORD_FILE, KEY_PASSWORD_ENV, KEYSTORE,
        KEYSTORE_ALIAS, KEYSTORE_PASSWORD_FILE, KEYSTORE_PASSWORD_ENV, TRUST, TRUSTSTORE, TRUSTSTORE_PASSWORD_FILE,
        TRUSTSTORE_PASSWORD_ENV, CRL, ServerSettings.MISSING_CRL));
    all.addAll(RevocationSettings.ALL);
    all.addAll(RenewalSettings.ALL);
    all.addAll(ServerSettings.ALL.stream().filter(setting -> !all.contains(setting)).toList());
    all.add(CRYPTO_PROVIDER);
    return List.copyOf(all);
  }
}
