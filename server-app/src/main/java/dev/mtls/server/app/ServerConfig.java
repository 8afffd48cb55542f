package dev.mtls.server.app;

import dev.mtls.pki.material.CryptoProvider;
import dev.mtls.pki.material.SafeText;
import dev.mtls.pki.material.settings.Setting;
import dev.mtls.pki.material.settings.SettingException;
import dev.mtls.pki.material.settings.SettingValues;
import dev.mtls.server.ConfigException;
import dev.mtls.server.Http2Limits;
import dev.mtls.server.Limits;
import dev.mtls.server.MtlsServerBuilder;
import dev.mtls.server.ServerSettings;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The server's configuration: a file of {@code key = value} lines, where every key can also be given on the command
 * line as {@code --key value} (the command line wins). The keys are the settings of {@link AppSettings#ALL}, each
 * read as its declaration says. Relative paths in the file are relative to the file's own directory. Passwords are
 * never values: only {@code *-password-file} or {@code *-password-env}, or a prompt. Every error names where the
 * value was given (file and line, or option) and what is expected.
 */
public final class ServerConfig implements SettingValues {
  private static final Map<String, Setting<?>> KEYS = AppSettings.ALL.stream()
      .collect(Collectors.toMap(Setting::key, Function.identity(), (a, b) -> a, LinkedHashMap::new));

  /** Keys of earlier versions, and why each was removed and what to write instead. */
  private static final Map<String, String> REMOVED = Map.of(
      "allow-stale-crl", "a CRL past its nextUpdate no longer says whether a certificate is revoked, so clients of"
          + " its CA are refused (reason: CRL out of date); publish CRLs before their nextUpdate (pki crl), and see"
          + " missing-crl for CAs without a CRL",
      "trusted-proxy-roles", "name rules cannot identify a proxy (a CA that signs CN=* issues a certificate named"
          + " like it to anyone, who could then forward any client's public certificate); pin the proxy's key with"
          + " trusted-proxy-keys = the SHA-256 of its public key (openssl x509 -in proxy.pem -noout -pubkey |"
          + " openssl pkey -pubin -outform der | sha256sum)");

  /** A value as given: its text, where it was given, and the directory relative paths start from (null: cwd). */
  private record Value(String text, String source, Path base, boolean fromFile, String key) {
    /** One line: a reader's problem may quote the value (a URL's, a path's) as it was. */
    ConfigException invalid(String problem) {
      return new ConfigException((fromFile ? source + ": " + key + " = '" : source + " '")
          + SafeText.escape(text) + "': " + SafeText.escape(problem));
    }
  }

  private final Map<String, Value> values;

  private ServerConfig(Map<String, Value> values) {
    this.values = values;
  }

  public static ServerConfig empty() {
    return new ServerConfig(new LinkedHashMap<>());
  }

  /** Every key, in the reference's order. */
  public static List<Setting<?>> keys() {
    return new ArrayList<>(KEYS.values());
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
      checkKey(key, where);
      if (values.containsKey(key)) {
        throw new ConfigException(where + ": '" + SafeText.escape(key) + "' is set twice");
      }
      values.put(key, new Value(line.substring(equals + 1).strip(), where, base, true, key));
    }
    return new ServerConfig(values);
  }

  private static void checkKey(String key, String where) {
    if (key.equals("password") || key.endsWith("-password")) {
      String escaped = SafeText.escape(key);
      throw new ConfigException(where + ": passwords are not written in the configuration; use " + escaped
          + "-file or " + escaped + "-env");
    }
    if (REMOVED.containsKey(key)) {
      throw removed(key, where);
    }
    if (!KEYS.containsKey(key)) {
      throw new ConfigException(where + ": unknown key '" + SafeText.escape(key) + "'; expected one of "
          + String.join(", ", KEYS.keySet()));
    }
  }

  /** The keys earlier versions had, each refused with {@link #removed}. */
  static Set<String> removedKeys() {
    return REMOVED.keySet();
  }

  /** Why {@code key}, given at {@code where}, was removed, and what to write instead. */
  static ConfigException removed(String key, String where) {
    return new ConfigException(where + ": " + key + " was removed: " + REMOVED.get(key));
  }

  /** This configuration with command-line values on top; their paths are relative to the working directory. */
  public ServerConfig with(Map<String, String> overrides) {
    Map<String, Value> merged = new LinkedHashMap<>(values);
    overrides.forEach((key, text) -> {
      if (!KEYS.containsKey(key)) {
        throw new IllegalArgumentException("unknown key: " + key);
      }
      merged.put(key, new Value(text, "--" + key, null, false, key));
    });
    return new ServerConfig(merged);
  }

  /** The raw text of {@code key}, or null. */
  public String get(String key) {
    Value value = values.get(key);
    return value == null ? null : value.text();
  }

  /** The value of {@code setting} read as it declares, or a one-line {@link ConfigException} naming where it was. */
  @Override
  public <T> Optional<T> get(Setting<T> setting) {
    Value value = values.get(setting.key());
    if (value == null) {
      return Optional.empty();
    }
    try {
      return Optional.of(setting.parse(value.text(), value.base()));
    } catch (IllegalArgumentException e) {
      throw value.invalid(e.getMessage());
    }
  }

  /** Where {@code setting} was given, for errors about combinations: {@code server.conf:3} or {@code --key}. */
  String source(Setting<?> setting) {
    Value value = values.get(setting.key());
    return value == null ? setting.key() : value.source();
  }

  /** A problem a setting's user found with a value that reads fine, reported where the value was given. */
  ConfigException invalid(SettingException problem) {
    Value value = values.get(problem.setting().key());
    return value == null ? new ConfigException(problem.getMessage(), problem) : value.invalid(problem.getMessage());
  }

  /** The JCA provider this configuration asks for. */
  public CryptoProvider cryptoProvider() {
    return getOrDefault(AppSettings.CRYPTO_PROVIDER);
  }

  /** {@link Limits#DEFAULTS} with what the configuration sets. */
  public Limits limits() {
    return new Limits(getOrDefault(ServerSettings.HANDSHAKE_TIMEOUT),
        getOrDefault(ServerSettings.REQUEST_HEADER_TIMEOUT), getOrDefault(ServerSettings.IDLE_TIMEOUT),
        getOrDefault(ServerSettings.MAX_CONNECTIONS), getOrDefault(ServerSettings.MAX_CONNECTIONS_PER_ADDRESS),
        Math.toIntExact(getOrDefault(ServerSettings.MAX_HEADER_SIZE)), getOrDefault(ServerSettings.MAX_HEADERS),
        getOrDefault(ServerSettings.MAX_REQUEST_BODY), new Http2Limits(
            getOrDefault(ServerSettings.HTTP2_MAX_CONCURRENT_STREAMS),
            Math.toIntExact(getOrDefault(ServerSettings.HTTP2_MAX_FRAME_SIZE)),
            Math.toIntExact(getOrDefault(ServerSettings.HTTP2_INITIAL_WINDOW_SIZE)),
            getOrDefault(ServerSettings.HTTP2_MAX_RESETS), getOrDefault(ServerSettings.HTTP2_MAX_CONTROL_FRAMES),
            getOrDefault(ServerSettings.HTTP2_FLOOD_WINDOW)));
  }

  /**
   * A builder with everything configured but the routes (see {@link DemoRoutes}); {@link MtlsServerBuilder#build()}
   * then loads the material.
   */
  public MtlsServerBuilder toBuilder() {
    return new ServerBinding(this).builder();
  }

  /** The keys that are set, for diagnostics. */
  public List<String> keysSet() {
    return new ArrayList<>(values.keySet());
  }
}
