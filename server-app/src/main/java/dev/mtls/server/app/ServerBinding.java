package dev.mtls.server.app;

import dev.mtls.pki.material.Passwords;
import dev.mtls.pki.material.Pem;
import dev.mtls.pki.material.renewal.RenewalSettings;
import dev.mtls.pki.material.revocation.RevocationSettings;
import dev.mtls.pki.material.settings.Setting;
import dev.mtls.pki.material.settings.SettingException;
import dev.mtls.server.ConfigException;
import dev.mtls.server.MtlsServer;
import dev.mtls.server.MtlsServerBuilder;
import dev.mtls.server.ServerSettings;
import java.net.URI;
import java.nio.file.Path;
import java.util.function.Consumer;

/**
 * Puts a {@link ServerConfig} into a {@link MtlsServerBuilder}: every key once, read as its setting declares. The
 * builder's own defaults stand for whatever is not given.
 */
final class ServerBinding {
  private final ServerConfig config;
  private final MtlsServerBuilder builder = MtlsServer.builder();

  ServerBinding(ServerConfig config) {
    this.config = config;
  }

  MtlsServerBuilder builder() {
    set(ServerSettings.HOST, builder::host);
    set(ServerSettings.PORT, builder::port);
    set(ServerSettings.MANAGEMENT_HOST, builder::managementHost);
    set(ServerSettings.MANAGEMENT_PORT, builder::managementPort);
    identity();
    trust();
    config.get(AppSettings.CRL).ifPresent(files -> files.forEach(builder::addCrlFile));
    set(ServerSettings.MISSING_CRL, builder::missingCrl);
    revocation();
    config.get(RenewalSettings.RENEW_FROM).ifPresent(this::renewal);
    set(ServerSettings.PROXY_PROTOCOL_FROM, builder::proxyProtocolFrom);
    set(ServerSettings.TRUSTED_PROXY_KEYS, builder::trustedProxyKeys);
    set(ServerSettings.TRUSTED_PROXY_INTERMEDIATES, file -> builder.forwardedIntermediates(Pem.loadCertificates(file)));
    builder.roleRulesFile(config.get(ServerSettings.ROLES).orElseThrow(
        () -> new ConfigException("no role rules: give roles (a role rules file)")));
    set(ServerSettings.ROUTES, builder::routeRulesFile);
    set(ServerSettings.CLIENT_AUTH, builder::clientAuth);
    set(ServerSettings.PROTOCOLS, builder::protocols);
    set(ServerSettings.HTTP2, builder::http2);
    set(ServerSettings.TLS_ENGINE, builder::tlsEngine);
    set(ServerSettings.MAX_CONNECTION_LIFETIME, builder::maxConnectionLifetime);
    set(ServerSettings.TLS_SESSION_CACHE, builder::tlsSessionCache);
    set(ServerSettings.RELOAD_INTERVAL, builder::reloadInterval);
    builder.limits(config.limits());
    set(ServerSettings.ACCESS_LOG_FORMAT, builder::accessLogFormat);
    return builder;
  }

  private <T> void set(Setting<T> setting, Consumer<T> apply) {
    config.get(setting).ifPresent(apply);
  }

  private void identity() {
    boolean pem = config.isSet(AppSettings.CERTIFICATE) || config.isSet(AppSettings.KEY);
    boolean pkcs12 = config.isSet(AppSettings.KEYSTORE);
    if (pem && pkcs12) {
      throw new ConfigException(config.source(AppSettings.KEYSTORE)
          + ": give either certificate + key or keystore, not both");
    }
    if (pkcs12) {
      Path keystore = config.get(AppSettings.KEYSTORE).orElseThrow();
      builder.identityPkcs12(keystore, password(AppSettings.KEYSTORE_PASSWORD_FILE, AppSettings.KEYSTORE_PASSWORD_ENV,
          "Password for " + keystore), config.get(AppSettings.KEYSTORE_ALIAS).orElse(null));
    } else if (pem) {
      if (!config.isSet(AppSettings.CERTIFICATE) || !config.isSet(AppSettings.KEY)) {
        throw new ConfigException(config.source(config.isSet(AppSettings.KEY) ? AppSettings.KEY
            : AppSettings.CERTIFICATE) + ": certificate and key go together; give both");
      }
      builder.identityPem(config.get(AppSettings.CERTIFICATE).orElseThrow(), config.get(AppSettings.KEY).orElseThrow(),
          password(AppSettings.KEY_PASSWORD_FILE, AppSettings.KEY_PASSWORD_ENV, null));
    } else {
      throw new ConfigException("no server identity: give certificate + key (PEM) or keystore (PKCS#12)");
    }
  }

  private void trust() {
    if (config.isSet(AppSettings.TRUST) && config.isSet(AppSettings.TRUSTSTORE)) {
      throw new ConfigException(config.source(AppSettings.TRUSTSTORE)
          + ": give either trust (PEM) or truststore, not both");
    }
    if (config.isSet(AppSettings.TRUST)) {
      builder.trustPem(config.get(AppSettings.TRUST).orElseThrow());
    } else if (config.isSet(AppSettings.TRUSTSTORE)) {
      Path truststore = config.get(AppSettings.TRUSTSTORE).orElseThrow();
      builder.trustPkcs12(truststore, password(AppSettings.TRUSTSTORE_PASSWORD_FILE,
          AppSettings.TRUSTSTORE_PASSWORD_ENV, "Password for " + truststore));
    } else {
      throw new ConfigException("no trust anchors: give trust (a PEM bundle of CA certificates) or truststore");
    }
  }

  private void revocation() {
    boolean stapling = config.getOrDefault(ServerSettings.OCSP_STAPLING);
    try {
      RevocationSettings.source(config, stapling).ifPresent(builder::revocationSource);
    } catch (SettingException e) {
      throw config.invalid(e);
    }
    if (stapling) {
      builder.ocspStapling(config.getOrDefault(RevocationSettings.REVOCATION_TIMEOUT));
    }
  }

  private void renewal(URI est) {
    try {
      builder.renewFrom(est);
    } catch (IllegalArgumentException e) {
      throw config.invalid(new SettingException(RenewalSettings.RENEW_FROM, e.getMessage()));
    }
    if (config.isSet(AppSettings.KEYSTORE)) {
      throw new ConfigException(config.source(RenewalSettings.RENEW_FROM) + ": renew-from writes the new key and"
          + " certificate over the certificate and key files; it cannot renew a keystore");
    }
  }

  /** The password from its file, else its environment variable, else a prompt (when {@code prompt} is set). */
  private char[] password(Setting<Path> file, Setting<String> variable, String prompt) {
    return Passwords.resolve(config.get(file).orElse(null), config.get(variable).orElse(null), prompt);
  }
}
