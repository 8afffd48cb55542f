package dev.mtls.server.app;

import dev.mtls.pki.material.CryptoProvider;
import dev.mtls.pki.material.Passwords;
import dev.mtls.pki.material.Pem;
import dev.mtls.pki.material.SafeText;
import dev.mtls.pki.material.revocation.OnlineRevocation;
import dev.mtls.pki.material.trust.MissingCrlPolicy;
import dev.mtls.pki.material.trust.UnavailablePolicy;
import dev.mtls.server.AccessLog;
import dev.mtls.server.Balancers;
import dev.mtls.server.ClientAuthMode;
import dev.mtls.server.ConfigException;
import dev.mtls.server.Limits;
import dev.mtls.server.MtlsServer;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The server's configuration: a file of {@code key = value} lines, where every key can also be given on the command
 * line as {@code --key value} (the command line wins). Relative paths in the file are relative to the file's own
 * directory. Passwords are never values: only {@code *-password-file} or {@code *-password-env}, or a prompt.
 * See {@link #KEYS} for the keys and {@code CONFIG.md} (in the jar, from server/src/main/resources) for the
 * format with examples.
 */
public final class ServerConfig {
  /** Every key, with what it means. */
  public static final Map<String, String> KEYS = keys(
      "host", "HTTPS listen address (default 127.0.0.1; 0.0.0.0 for all interfaces)",
      "port", "HTTPS port (default 8443; 0 picks a free port)",
      "management-host", "management listen address (default 127.0.0.1)",
      "management-port", "management port for /health and /ready (default 9090; -1 turns it off)",
      "certificate", "server certificate chain, PEM, leaf first (cert-manager: tls.crt)",
      "key", "server private key, PEM, encrypted or not (cert-manager: tls.key)",
      "key-password-file", "file whose first line is the key's password",
      "key-password-env", "environment variable holding the key's password",
      "keystore", "server identity as PKCS#12 instead of certificate + key",
      "keystore-alias", "key entry in the keystore (default: its only key entry)",
      "keystore-password-file", "file whose first line is the keystore password",
      "keystore-password-env", "environment variable holding the keystore password",
      "trust", "CA certificates that issue client certificates, PEM bundle (cert-manager: ca.crt)",
      "truststore", "trusted CA certificates as PKCS#12 instead of a PEM bundle",
      "truststore-password-file", "file whose first line is the truststore password",
      "truststore-password-env", "environment variable holding the truststore password",
      "crl", "CRL file(s), PEM, comma-separated (pki crl's crl.pem has the issuing CA's and the root's); with CRLs,"
          + " every CA in a client's path needs one",
      "missing-crl", "refuse (default) or accept a client whose path has a CA no CRL or responder covers, when"
          + " revocation is checked",
      "ocsp", "off (default), aia (ask the OCSP responder each client certificate names) or a responder URL to ask"
          + " about every client certificate",
      "crl-distribution-points", "off (default) or on: fetch CRLs from the distribution points client certificates"
          + " name",
      "crl-url", "CRL URL(s) to fetch (DER or PEM), comma-separated, refreshed as they age",
      "revocation-unavailable", "hard-fail (default: refuse) or soft-fail (accept, and say so once per issuer) when"
          + " a responder or distribution point does not answer",
      "revocation-timeout", "the longest one OCSP or CRL fetch may take (default 2s)",
      "revocation-max-age", "the longest a fetched answer is relied on: a revocation is noticed within it"
          + " (default 5m)",
      "ocsp-stapling", "off (default) or on: staple an OCSP response for our certificate, from the responder it"
          + " names",
      "proxy-protocol-from", "load balancer address(es) or network(s), comma-separated (e.g. 10.0.0.5, 10.1.0.0/16):"
          + " every connection must come from one and start with a PROXY protocol header naming the real client;"
          + " others are closed (default: none, clients connect directly)",
      "trusted-proxy-roles", "role(s), comma-separated, whose holders are trusted TLS-terminating proxies: they may"
          + " forward a client certificate (Client-Cert); from anyone else that header is refused (default: none)",
      "trusted-proxy-intermediates", "PEM file of CA certificates that complete a forwarded client certificate's"
          + " path when the proxy forwards the leaf alone (nginx); never trust anchors",
      "roles", "role rules file (required)",
      "routes", "route rules file: which roles each demo route needs; reloaded when it changes (default: the routes'"
          + " own roles)",
      "client-auth", "required (default) or requested",
      "protocols", "TLS protocols, comma-separated, within TLSv1.3, TLSv1.2 (default both)",
      "max-connection-lifetime", "close connections (and end TLS sessions) older than this, e.g. 15m (default 1h)",
      "reload-interval", "how often to check material files for changes, e.g. 10s; 0 turns it off (default 10s)",
      "handshake-timeout", "a TLS handshake must complete within this of the connection's accept (default 10s)",
      "request-header-timeout", "a request line and headers must arrive within this of their first byte (default 10s)",
      "idle-timeout", "close a connection without traffic after this (default 60s)",
      "max-connections", "connections open at once; beyond it the server stops accepting for a while (default 4096)",
      "max-connections-per-address", "connections open at once from one client address (default 256)",
      "max-header-size", "request line and headers together, e.g. 32k (default 32k)",
      "max-headers", "number of request headers (default 100)",
      "max-request-body", "request body size, e.g. 1m; more gets 413 (default 1m)",
      "access-log-format", "text (default) or json",
      "crypto-provider", "jdk (default) or accp: Amazon Corretto Crypto Provider, whose jar must be on the class path");

  private static final Pattern DURATION = Pattern.compile("([0-9]+)(ms|s|m|h|d)");
  private static final Pattern SIZE = Pattern.compile("([0-9]{1,10})([kmg]?)");

  private record Value(String text, String source, Path base) {}

  private final Map<String, Value> values;

  private ServerConfig(Map<String, Value> values) {
    this.values = values;
  }

  public static ServerConfig empty() {
    return new ServerConfig(new LinkedHashMap<>());
  }

  /** Reads a configuration file; errors name the file and line. */
  public static ServerConfig load(Path file) {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      throw new ConfigException(file + ": configuration file not found");
    } catch (IOException e) {
      throw new ConfigException(file + ": cannot read: " + e.getMessage(), e);
    }
    Path base = file.toAbsolutePath().getParent();
    Map<String, Value> values = new LinkedHashMap<>();
    String[] lines = text.split("\r?\n", -1);
    for (int i = 0; i < lines.length; i++) {
      String line = lines[i].strip();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      String where = file + ":" + (i + 1);
      int equals = line.indexOf('=');
      if (equals < 0) {
        throw new ConfigException(where + ": expected 'key = value' but found '" + SafeText.escape(line) + "'");
      }
      String key = line.substring(0, equals).strip();
      String value = line.substring(equals + 1).strip();
      if (key.equals("password") || key.endsWith("-password")) {
        throw new ConfigException(where + ": passwords are not written in the configuration; use " + key
            + "-file or " + key + "-env");
      }
      if (key.equals("allow-stale-crl")) {
        throw new ConfigException(where + ": allow-stale-crl was removed: a CRL past its nextUpdate no longer says"
            + " whether a certificate is revoked, so clients of its CA are refused (reason: CRL out of date); publish"
            + " CRLs before their nextUpdate (pki crl), and see missing-crl for CAs without a CRL");
      }
      if (!KEYS.containsKey(key)) {
        throw new ConfigException(where + ": unknown key '" + SafeText.escape(key) + "'; expected one of "
            + String.join(", ", KEYS.keySet()));
      }
      if (values.containsKey(key)) {
        throw new ConfigException(where + ": '" + key + "' is set twice");
      }
      values.put(key, new Value(value, where, base));
    }
    return new ServerConfig(values);
  }

  /** This configuration with command-line values on top; their paths are relative to the working directory. */
  public ServerConfig with(Map<String, String> overrides) {
    Map<String, Value> merged = new LinkedHashMap<>(values);
    overrides.forEach((key, value) -> {
      if (!KEYS.containsKey(key)) {
        throw new IllegalArgumentException("unknown key: " + key);
      }
      merged.put(key, new Value(value, "--" + key, null));
    });
    return new ServerConfig(merged);
  }

  /** The raw value of {@code key}, or null. */
  public String get(String key) {
    Value value = values.get(key);
    return value == null ? null : value.text();
  }

  /**
   * A builder with everything configured but the routes (see {@link DemoRoutes}); {@link MtlsServer.Builder#build()}
   * then loads the material.
   */
  public MtlsServer.Builder toBuilder() {
    MtlsServer.Builder builder = MtlsServer.builder();
    ifSet("host", value -> builder.host(value.text()));
    ifSet("port", value -> builder.port(port(value, false)));
    ifSet("management-host", value -> builder.managementHost(value.text()));
    ifSet("management-port", value -> builder.managementPort(port(value, true)));

    boolean pem = values.containsKey("certificate") || values.containsKey("key");
    boolean pkcs12 = values.containsKey("keystore");
    if (pem && pkcs12) {
      throw new ConfigException(source("keystore") + ": give either certificate + key or keystore, not both");
    }
    if (pkcs12) {
      Path keystore = path("keystore");
      builder.identityPkcs12(keystore, password("keystore", "Password for " + keystore), get("keystore-alias"));
    } else if (pem) {
      if (!values.containsKey("certificate") || !values.containsKey("key")) {
        throw new ConfigException(source(values.containsKey("key") ? "key" : "certificate")
            + ": certificate and key go together; give both");
      }
      builder.identityPem(path("certificate"), path("key"), password("key", null));
    } else {
      throw new ConfigException("no server identity: give certificate + key (PEM) or keystore (PKCS#12)");
    }

    if (values.containsKey("trust") && values.containsKey("truststore")) {
      throw new ConfigException(source("truststore") + ": give either trust (PEM) or truststore, not both");
    }
    if (values.containsKey("trust")) {
      builder.trustPem(path("trust"));
    } else if (values.containsKey("truststore")) {
      Path truststore = path("truststore");
      builder.trustPkcs12(truststore, password("truststore", "Password for " + truststore));
    } else {
      throw new ConfigException("no trust anchors: give trust (a PEM bundle of CA certificates) or truststore");
    }

    ifSet("crl", value -> {
      for (String file : value.text().split(",")) {
        if (!file.isBlank()) {
          builder.addCrlFile(resolve(value, file.strip()));
        }
      }
    });
    ifSet("missing-crl", value -> builder.missingCrl(switch (value.text().toLowerCase(Locale.ROOT)) {
      case "refuse" -> MissingCrlPolicy.REFUSE;
      case "accept" -> MissingCrlPolicy.ACCEPT;
      default -> throw invalid(value, "expected refuse or accept");
    }));
    online(builder);
    ifSet("proxy-protocol-from", value -> {
      try {
        builder.proxyProtocolFrom(Balancers.of(Arrays.stream(value.text().split(","))
            .filter(entry -> !entry.isBlank()).toList()));
      } catch (IllegalArgumentException e) {
        throw invalid(value, e.getMessage());
      }
    });
    ifSet("trusted-proxy-roles", value -> {
      Set<String> roles = new TreeSet<>();
      for (String role : value.text().split(",")) {
        if (!role.isBlank()) {
          roles.add(role.strip());
        }
      }
      builder.trustedProxyRoles(roles);
    });
    ifSet("trusted-proxy-intermediates", value -> builder.forwardedIntermediates(
        Pem.loadCertificates(resolve(value, value.text()))));
    if (!values.containsKey("roles")) {
      throw new ConfigException("no role rules: give roles (a role rules file)");
    }
    builder.roleRulesFile(path("roles"));
    ifSet("routes", value -> builder.routeRulesFile(resolve(value, value.text())));
    ifSet("client-auth", value -> builder.clientAuth(switch (value.text().toLowerCase(Locale.ROOT)) {
      case "required" -> ClientAuthMode.REQUIRED;
      case "requested" -> ClientAuthMode.REQUESTED;
      default -> throw invalid(value, "expected required or requested");
    }));
    ifSet("protocols", value -> builder.protocols(
        Arrays.stream(value.text().split(",")).map(String::strip).filter(s -> !s.isEmpty()).toList()));
    ifSet("max-connection-lifetime", value -> builder.maxConnectionLifetime(duration(value)));
    ifSet("reload-interval", value -> builder.reloadInterval(duration(value)));
    builder.limits(limits());
    ifSet("access-log-format", value -> builder.accessLogFormat(switch (value.text().toLowerCase(Locale.ROOT)) {
      case "text" -> AccessLog.Format.TEXT;
      case "json" -> AccessLog.Format.JSON;
      default -> throw invalid(value, "expected text or json");
    }));
    return builder;
  }

  /** The JCA provider this configuration asks for ({@link CryptoProvider#JDK} unless {@code crypto-provider}). */
  public CryptoProvider cryptoProvider() {
    Value value = values.get("crypto-provider");
    if (value == null) {
      return CryptoProvider.JDK;
    }
    try {
      return CryptoProvider.parse(value.text());
    } catch (IllegalArgumentException e) {
      throw invalid(value, "expected jdk or accp");
    }
  }

  private interface ValueConsumer {
    void accept(Value value);
  }

  private void ifSet(String key, ValueConsumer consumer) {
    Value value = values.get(key);
    if (value != null) {
      consumer.accept(value);
    }
  }

  private String source(String key) {
    Value value = values.get(key);
    return value == null ? key : value.source();
  }

  private Path path(String key) {
    Value value = values.get(key);
    return resolve(value, value.text());
  }

  private static Path resolve(Value value, String text) {
    if (text.isEmpty()) {
      throw invalid(value, "empty path");
    }
    Path path = Path.of(text);
    return value.base() == null || path.isAbsolute() ? path : value.base().resolve(path).normalize();
  }

  /** The password for {@code prefix}: from its file, else its environment variable, else a prompt (if any). */
  private char[] password(String prefix, String prompt) {
    Value file = values.get(prefix + "-password-file");
    Value env = values.get(prefix + "-password-env");
    return Passwords.resolve(file == null ? null : resolve(file, file.text()), env == null ? null : env.text(),
        prompt);
  }

  /** {@link Limits#DEFAULTS} with what the configuration sets; a bad value is reported with its file, line and key. */
  public Limits limits() {
    Limits[] limits = {Limits.DEFAULTS};
    limit("handshake-timeout", value -> limits[0] = limits[0].withHandshakeTimeout(duration(value)));
    limit("request-header-timeout", value -> limits[0] = limits[0].withRequestHeaderTimeout(duration(value)));
    limit("idle-timeout", value -> limits[0] = limits[0].withIdleTimeout(duration(value)));
    limit("max-connections", value -> limits[0] = limits[0].withMaxConnections((int) size(value, false),
        limits[0].maxConnectionsPerAddress()));
    limit("max-connections-per-address", value -> limits[0] = limits[0].withMaxConnections(
        limits[0].maxConnections(), (int) size(value, false)));
    limit("max-header-size", value -> limits[0] = limits[0].withMaxHeaders((int) size(value, true),
        limits[0].maxHeaders()));
    limit("max-headers", value -> limits[0] = limits[0].withMaxHeaders(limits[0].maxHeaderBytes(),
        (int) size(value, false)));
    limit("max-request-body", value -> limits[0] = limits[0].withMaxRequestBodyBytes(size(value, true)));
    return limits[0];
  }

  private void limit(String key, ValueConsumer consumer) {
    ifSet(key, value -> {
      try {
        consumer.accept(value);
      } catch (IllegalArgumentException | ConfigException e) {
        String problem = e instanceof ConfigException ? "not a size or count (a number, or for sizes with k, m or g,"
            + " e.g. 32k)" : e.getMessage().replaceFirst("^\\w+ ", "");
        throw new ConfigException(value.source() + ": " + key + " = '" + SafeText.escape(value.text()) + "': "
            + problem);
      }
    });
  }

  /** A count, or with {@code units} also {@code 32k} / {@code 1m} (binary: 1k = 1024 bytes). */
  private static long size(Value value, boolean units) {
    Matcher matcher = SIZE.matcher(value.text().strip().toLowerCase(Locale.ROOT));
    if (matcher.matches() && (units || matcher.group(2).isEmpty())) {
      long amount = Long.parseLong(matcher.group(1));
      int shift = switch (matcher.group(2)) {
        case "k" -> 10;
        case "m" -> 20;
        case "g" -> 30;
        default -> 0;
      };
      if (amount <= Integer.MAX_VALUE) {
        return amount << shift;
      }
    }
    throw invalid(value, "not a size");
  }

  private static int port(Value value, boolean allowOff) {
    try {
      int port = Integer.parseInt(value.text());
      if (port >= (allowOff ? -1 : 0) && port <= 65535) {
        return port;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw invalid(value, "not a port number (0-65535" + (allowOff ? ", or -1 for off" : "") + ")");
  }


  /** {@code 500ms}, {@code 30s}, {@code 15m}, {@code 1h}, {@code 1d}, {@code 0}, or ISO-8601 like {@code PT15M}. */
  private void online(MtlsServer.Builder builder) {
    OnlineRevocation.Builder online = OnlineRevocation.builder();
    ifSet("ocsp", value -> {
      String text = value.text().strip();
      if (text.equalsIgnoreCase("aia")) {
        online.ocspFromCertificates();
      } else if (!text.equalsIgnoreCase("off")) {
        url(value, text, online::ocspResponder);
      }
    });
    ifSet("crl-distribution-points", value -> {
      if (onOff(value)) {
        online.crlsFromCertificates();
      }
    });
    ifSet("crl-url", value -> {
      for (String url : value.text().split(",")) {
        if (!url.isBlank()) {
          url(value, url.strip(), online::addCrlUrl);
        }
      }
    });
    ifSet("revocation-unavailable", value -> online.whenUnavailable(switch (value.text().toLowerCase(Locale.ROOT)) {
      case "hard-fail" -> UnavailablePolicy.HARD_FAIL;
      case "soft-fail" -> UnavailablePolicy.SOFT_FAIL;
      default -> throw invalid(value, "expected hard-fail or soft-fail");
    }));
    Duration[] timeout = {Duration.ofSeconds(2)};
    ifSet("revocation-timeout", value -> {
      timeout[0] = positive(value);
      online.timeout(timeout[0]);
    });
    ifSet("revocation-max-age", value -> online.maxAge(positive(value)));
    if (online.isEnabled()) {
      builder.revocationSource(online.build());
    } else {
      for (String key : List.of("revocation-unavailable", "revocation-timeout", "revocation-max-age")) {
        if (values.containsKey(key) && !values.containsKey("ocsp-stapling")) {
          throw invalid(values.get(key), "no revocation source is configured for it to apply to: set ocsp,"
              + " crl-distribution-points or crl-url");
        }
      }
    }
    ifSet("ocsp-stapling", value -> {
      if (onOff(value)) {
        builder.ocspStapling(timeout[0]);
      }
    });
  }

  private boolean onOff(Value value) {
    return switch (value.text().strip().toLowerCase(Locale.ROOT)) {
      case "on" -> true;
      case "off" -> false;
      default -> throw invalid(value, "expected on or off");
    };
  }

  /** {@code add} with the URL in {@code text}; the revocation source's own check names what is wrong. */
  private static void url(Value value, String text, Consumer<URI> add) {
    try {
      add.accept(new URI(text));
    } catch (URISyntaxException | IllegalArgumentException e) {
      throw invalid(value, e instanceof URISyntaxException ? "is not a URL: " + e.getMessage() : e.getMessage());
    }
  }

  private Duration positive(Value value) {
    Duration duration = duration(value);
    if (duration.isZero() || duration.isNegative()) {
      throw invalid(value, "expected a positive duration such as 2s");
    }
    return duration;
  }

  static Duration duration(Value value) {
    String text = value.text().strip();
    if (text.equals("0")) {
      return Duration.ZERO;
    }
    Matcher matcher = DURATION.matcher(text);
    if (matcher.matches()) {
      long amount = Long.parseLong(matcher.group(1));
      return switch (matcher.group(2)) {
        case "ms" -> Duration.ofMillis(amount);
        case "s" -> Duration.ofSeconds(amount);
        case "m" -> Duration.ofMinutes(amount);
        case "h" -> Duration.ofHours(amount);
        default -> Duration.ofDays(amount);
      };
    }
    try {
      return Duration.parse(text);
    } catch (java.time.format.DateTimeParseException e) {
      throw invalid(value, "not a duration (e.g. 30s, 15m, 1h)");
    }
  }

  private static ConfigException invalid(Value value, String problem) {
    return new ConfigException(value.source() + ": '" + SafeText.escape(value.text()) + "' " + problem);
  }

  private static Map<String, String> keys(String... pairs) {
    Map<String, String> keys = new LinkedHashMap<>();
    for (int i = 0; i < pairs.length; i += 2) {
      keys.put(pairs[i], pairs[i + 1]);
    }
    return java.util.Collections.unmodifiableMap(keys);
  }

  /** The keys that are set, for diagnostics. */
  public List<String> keys() {
    return new ArrayList<>(values.keySet());
  }
}
