package dev.mtls.server;

import static dev.mtls.pki.material.settings.ValueType.choice;
import static dev.mtls.pki.material.settings.ValueType.count;
import static dev.mtls.pki.material.settings.ValueType.duration;
import static dev.mtls.pki.material.settings.ValueType.list;
import static dev.mtls.pki.material.settings.ValueType.onOff;
import static dev.mtls.pki.material.settings.ValueType.path;
import static dev.mtls.pki.material.settings.ValueType.port;
import static dev.mtls.pki.material.settings.ValueType.positiveDuration;
import static dev.mtls.pki.material.settings.ValueType.size;
import static dev.mtls.pki.material.settings.ValueType.text;

import dev.mtls.pki.material.settings.Setting;
import dev.mtls.pki.material.settings.ValueType;
import dev.mtls.pki.material.trust.MissingCrlPolicy;
import dev.mtls.pki.material.trust.TlsPolicy;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * Every setting of the server library, declared once: key, type, default, what is valid and one line of
 * documentation. {@link MtlsServerBuilder} takes its defaults and checks from here; the runnable server reads its
 * configuration file and command line with them; the configuration reference is generated from them.
 */
public final class ServerSettings {
  public static final Setting<String> HOST = Setting.of("host", text("ADDRESS"), "127.0.0.1",
      "HTTPS listen address; 0.0.0.0 for all interfaces");
  public static final Setting<Integer> PORT = Setting.of("port", port(false), 8443,
      "HTTPS port; 0 picks a free one");
  public static final Setting<String> MANAGEMENT_HOST = Setting.of("management-host", text("ADDRESS"), "127.0.0.1",
      "management listen address: plain HTTP without client certificates, keep it internal");
  public static final Setting<Integer> MANAGEMENT_PORT = Setting.of("management-port", port(true), 9090,
      "management port for /health, /ready, /status (JSON) and /metrics (Prometheus); -1 turns it off");
  public static final Setting<ClientAuthMode> CLIENT_AUTH = Setting.of("client-auth", choice(ClientAuthMode.class),
      ClientAuthMode.REQUIRED, "required: the handshake fails without an acceptable certificate; requested: it"
          + " completes and the server answers 401");
  public static final Setting<List<String>> PROTOCOLS = Setting.of("protocols",
      list(text("PROTOCOL")).where(protocols -> !protocols.isEmpty() && TlsPolicy.PROTOCOLS.containsAll(protocols),
          "expected TLSv1.3, TLSv1.2 or both"), TlsPolicy.PROTOCOLS, "TLS protocols, within TLSv1.3 and TLSv1.2");
  public static final Setting<Boolean> HTTP2 = Setting.of("http2", onOff(), true, "on: HTTP/2 for clients that"
      + " choose it by ALPN (h2, else http/1.1); off: HTTP/1.1 only. Never over cleartext (no h2c)");

  public static final Setting<TlsEngine> TLS_ENGINE = Setting.of("tls-engine", choice(TlsEngine.class),
      TlsEngine.JDK, "jdk, or conscrypt: BoringSSL speaks TLS (more handshakes a second); its jar must be on the"
          + " class path; TLS 1.3 only (protocols TLSv1.3); CRL files only (no ocsp, crl-url, distribution points or"
          + " stapling)");

  public static final Setting<MissingCrlPolicy> MISSING_CRL = Setting.of("missing-crl",
      choice(MissingCrlPolicy.class), MissingCrlPolicy.REFUSE, "with revocation checked, refuse or accept (and say so"
          + " once per CA) a client whose path has a CA no CRL, responder or distribution point covers");
  public static final Setting<Boolean> OCSP_STAPLING = Setting.of("ocsp-stapling", onOff(), false,
      "on: staple an OCSP response about the server's own certificate, from the responder it names");

  public static final Setting<Balancers> PROXY_PROTOCOL_FROM = Setting.optional("proxy-protocol-from",
      balancers(), "none: clients connect directly", "load balancer address(es) or network(s), e.g. 10.0.0.5,"
          + " 10.1.0.0/16: every connection must come from one and start with a PROXY protocol header (v1 or v2,"
          + " exactly as specified) naming the real client; others are closed");
  public static final Setting<ProxyKeys> TRUSTED_PROXY_KEYS = Setting.optional("trusted-proxy-keys", proxyKeys(),
      "none", "SHA-256 of the public key of each trusted TLS-terminating proxy: only a client whose verified"
          + " certificate has one of these keys may forward a client certificate (Client-Cert); from anyone else that"
          + " header is refused with 400");
  public static final Setting<Path> TRUSTED_PROXY_INTERMEDIATES = Setting.optional("trusted-proxy-intermediates",
      path("PEM"), "none", "CA certificates that complete a forwarded client certificate's path when the proxy"
          + " forwards the leaf alone (nginx); never trust anchors");

  public static final Setting<Path> ROLES = Setting.optional("roles", path("FILE"), "required",
      "role rules file: which certificates hold which roles; reloaded when it changes");
  public static final Setting<Path> ROUTES = Setting.optional("routes", path("FILE"), "the routes' own roles",
      "route rules file: which roles each route needs; reloaded when it changes");

  public static final Setting<Duration> MAX_CONNECTION_LIFETIME = Setting.of("max-connection-lifetime",
      positiveDuration(), Duration.ofHours(1), "close connections older than this after their next response, and"
          + " idle ones; TLS sessions cannot be resumed after it either");
  public static final Setting<Integer> TLS_SESSION_CACHE = Setting.of("tls-session-cache", count(0), 10_000,
      "TLS sessions the server keeps for resumption, about 1.3 KB each; 0: stateless tickets instead (the JDK's"
          + " default; each resumption then decrypts the client's ticket and seals it a new one, which is slower)");
  public static final Setting<Duration> RELOAD_INTERVAL = Setting.of("reload-interval", duration(),
      Duration.ofSeconds(10), "how often material files are checked for changed content; 0 turns it off");
  public static final Setting<Duration> HANDSHAKE_TIMEOUT = Setting.of("handshake-timeout", positiveDuration(),
      Duration.ofSeconds(10), "a TLS handshake must complete within this of the connection's start (behind"
          + " balancers, a PROXY header within this, then the handshake within this of the header)");
  public static final Setting<Duration> REQUEST_HEADER_TIMEOUT = Setting.of("request-header-timeout",
      positiveDuration(), Duration.ofSeconds(10), "a request's line and headers must arrive within this of their"
          + " first byte (slowloris)");
  public static final Setting<Duration> IDLE_TIMEOUT = Setting.of("idle-timeout", positiveDuration(),
      Duration.ofSeconds(60), "close a connection without traffic, before, between or during requests, after this");
  public static final Setting<Integer> MAX_CONNECTIONS = Setting.of("max-connections", count(1), 4096,
      "connections open at once; at the limit the server stops accepting until a tenth have closed");
  public static final Setting<Integer> MAX_CONNECTIONS_PER_ADDRESS = Setting.of("max-connections-per-address",
      count(1), 256, "connections open at once from one client address; more are refused in the handshake");
  public static final Setting<Long> MAX_HEADER_SIZE = Setting.of("max-header-size", size(1024)
      .where(bytes -> bytes <= Integer.MAX_VALUE, "must be at least 1024 and at most 2147483647"), 32L * 1024,
      "request line and headers together; more is refused with 400");
  public static final Setting<Integer> MAX_HEADERS = Setting.of("max-headers", count(1), 100,
      "number of request headers; more is refused with 400");
  public static final Setting<Long> MAX_REQUEST_BODY = Setting.of("max-request-body", size(0), 1024L * 1024,
      "request body size unless a route says otherwise; more gets 413");

  public static final Setting<Integer> HTTP2_MAX_CONCURRENT_STREAMS = Setting.of("http2-max-concurrent-streams",
      count(1), 100, "HTTP/2 streams a client may have open at once on a connection (announced); opening more ends"
          + " the connection");
  public static final Setting<Long> HTTP2_MAX_FRAME_SIZE = Setting.of("http2-max-frame-size", size(16 * 1024)
      .where(bytes -> bytes <= 16 * 1024 * 1024 - 1, "must be at least 16384 and at most 16777215"), 16L * 1024,
      "the largest HTTP/2 frame a client may send (announced); a larger one ends the connection");
  public static final Setting<Long> HTTP2_INITIAL_WINDOW_SIZE = Setting.of("http2-initial-window-size", size(1)
      .where(bytes -> bytes <= Integer.MAX_VALUE, "must be at least 1 and at most 2147483647"), 65_535L,
      "request body bytes a client may send on an HTTP/2 stream before the server asks for more (announced)");
  public static final Setting<Integer> HTTP2_MAX_RESETS = Setting.of("http2-max-resets", count(1), 200,
      "HTTP/2 streams a client may reset, or make the server reset, per http2-flood-window; more ends the connection"
          + " (rapid reset)");
  public static final Setting<Integer> HTTP2_MAX_CONTROL_FRAMES = Setting.of("http2-max-control-frames", count(1),
      1000, "HTTP/2 PING frames a client may send per http2-flood-window, and as many SETTINGS frames; more ends the"
          + " connection");
  public static final Setting<Duration> HTTP2_FLOOD_WINDOW = Setting.of("http2-flood-window", positiveDuration(),
      Duration.ofSeconds(30), "the time http2-max-resets and http2-max-control-frames count over");

  public static final Setting<AccessLogFormat> ACCESS_LOG_FORMAT = Setting.of("access-log-format",
      choice(AccessLogFormat.class), AccessLogFormat.TEXT, "text, json for logback's JsonEncoder (logger "
          + ServerLoggers.ACCESS_JSON + "), or off: no line per request (metrics still count each)");

  /** Every setting above, in the order the reference lists them. */
  public static final List<Setting<?>> ALL = List.of(HOST, PORT, MANAGEMENT_HOST, MANAGEMENT_PORT, MISSING_CRL,
      OCSP_STAPLING, PROXY_PROTOCOL_FROM, TRUSTED_PROXY_KEYS, TRUSTED_PROXY_INTERMEDIATES, ROLES, ROUTES,
      CLIENT_AUTH, PROTOCOLS, HTTP2, TLS_ENGINE, MAX_CONNECTION_LIFETIME, TLS_SESSION_CACHE, RELOAD_INTERVAL,
      HANDSHAKE_TIMEOUT, REQUEST_HEADER_TIMEOUT, IDLE_TIMEOUT, MAX_CONNECTIONS, MAX_CONNECTIONS_PER_ADDRESS,
      MAX_HEADER_SIZE, MAX_HEADERS, MAX_REQUEST_BODY, HTTP2_MAX_CONCURRENT_STREAMS, HTTP2_MAX_FRAME_SIZE,
      HTTP2_INITIAL_WINDOW_SIZE, HTTP2_MAX_RESETS, HTTP2_MAX_CONTROL_FRAMES, HTTP2_FLOOD_WINDOW, ACCESS_LOG_FORMAT);

  private ServerSettings() {}

  private static ValueType<Balancers> balancers() {
    return ValueType.<Balancers>custom("ADDRESS[,...]", (text, base) -> Balancers.of(items(text)),
        Balancers::toString);
  }

  private static ValueType<ProxyKeys> proxyKeys() {
    return ValueType.<ProxyKeys>custom("SHA256[,...]", (text, base) -> ProxyKeys.of(items(text)),
        ProxyKeys::toString);
  }

  /** The comma-separated items of {@code text}, without empty ones. */
  private static List<String> items(String text) {
    return java.util.Arrays.stream(text.split(",")).filter(item -> !item.isBlank()).toList();
  }
}
