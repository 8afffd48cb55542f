package dev.mtls.client.cli;

import dev.mtls.client.Diagnosis;
import dev.mtls.client.FailureExplainer;
import dev.mtls.client.MtlsClient;
import dev.mtls.client.MtlsException;
import dev.mtls.client.MtlsResponse;
import dev.mtls.client.PreflightCheck;
import dev.mtls.client.TlsInfo;
import dev.mtls.client.trace.HandshakeTrace;
import dev.mtls.client.trace.HandshakeTracer;
import dev.mtls.pki.material.CryptoProvider;
import dev.mtls.pki.material.DistinguishedName;
import dev.mtls.pki.material.Identity;
import dev.mtls.pki.material.KeyMaterialException;
import dev.mtls.pki.material.Passwords;
import dev.mtls.pki.material.SafeText;
import dev.mtls.pki.material.TrustAnchors;
import dev.mtls.pki.material.revocation.OnlineRevocation;
import dev.mtls.pki.material.trust.Trust;
import dev.mtls.pki.material.trust.UnavailablePolicy;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.Principal;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import javax.security.auth.x500.X500Principal;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.io.entity.ByteArrayEntity;
import org.apache.hc.core5.http.message.BasicClassicHttpRequest;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine;

/** {@code java -jar client/target/mtls-client.jar [METHOD] URL}: a curl-like mTLS client that explains failures. */
@Command(name = "mtls-client", mixinStandardHelpOptions = true, version = "mtls-client 0.1.0",
    sortOptions = false,
    description = {"Sends one HTTPS request with a client certificate and prints the response body.",
        "On failure it says in one sentence what most likely happened, with a hint and the technical cause.",
        "Passwords come from --password-file, --password-env or a prompt, never from the command line."},
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
        "0:success (HTTP 1xx-3xx)",
        "1:connection failure (refused, unknown host, timeout, closed without answer)",
        "2:usage error",
        "3:TLS or authentication failure (certificate required or rejected, server not trusted, host-name "
            + "mismatch, no common TLS version)",
        "4:our own key material is unusable (wrong password, key does not match certificate, certificate "
            + "expired, not yet valid or not for client authentication)",
        "5:the server answered with an HTTP error status (4xx or 5xx)"})
public final class ClientCommand implements Callable<Integer> {
  public static final int OK = 0;
  public static final int CONNECTION_FAILURE = 1;
  public static final int USAGE = 2;
  public static final int TLS_FAILURE = 3;
  public static final int LOCAL_MATERIAL = 4;
  public static final int HTTP_ERROR = 5;

  @Parameters(arity = "1..2", paramLabel = "[METHOD] URL",
      description = "An https URL, optionally preceded by the method (default GET, or POST with --data-file).")
  List<String> methodAndUrl;

  @Option(names = "--cert", paramLabel = "FILE", description = "Our certificate chain, PEM, leaf first.")
  Path cert;

  @Option(names = "--key", paramLabel = "FILE", description = "Our private key, PEM (asks for a password if encrypted).")
  Path key;

  @Option(names = "--p12", paramLabel = "FILE", description = "Our identity as PKCS#12 (instead of --cert/--key).")
  Path p12;

  @Option(names = "--alias", paramLabel = "NAME", description = "The key entry to use when --p12 holds several.")
  String alias;

  @Option(names = "--password-file", paramLabel = "FILE", description = "Read the key or PKCS#12 password from FILE.")
  Path passwordFile;

  @Option(names = "--password-env", paramLabel = "VAR", description = "Read the key or PKCS#12 password from $VAR.")
  String passwordEnv;

  @Option(names = "--cacert", paramLabel = "FILE",
      description = "CAs we trust for the server: PEM bundle, or PKCS#12 truststore (.p12/.pfx, with its password "
          + "from --cacert-password-file or --cacert-password-env). Required unless --system-trust.")
  Path cacert;

  @Option(names = "--cacert-password-file", paramLabel = "FILE",
      description = "File whose first line is the PKCS#12 truststore's password.")
  Path cacertPasswordFile;

  @Option(names = "--cacert-password-env", paramLabel = "VAR",
      description = "Environment variable holding the PKCS#12 truststore's password.")
  String cacertPasswordEnv;

  @Option(names = "--system-trust",
      description = "Trust the JDK's CA store (public CAs) for the server, instead of --cacert.")
  boolean systemTrust;

  @Option(names = {"-H", "--header"}, paramLabel = "'NAME: VALUE'", description = "Add a request header.")
  List<String> headers = new ArrayList<>();

  @Option(names = "--data-file", paramLabel = "FILE", description = "Send FILE as the request body.")
  Path dataFile;

  @Option(names = {"-v", "--verbose"},
      description = "Show TLS details on stderr: protocol, cipher, server chain, whether the server asked for our "
          + "certificate and which CAs it accepts, whether we sent one.")
  boolean verbose;

  @Option(names = "--trace",
      description = "Show this connection's real TLS handshake on stderr, message by message in both directions "
          + "(with the certificates' subjects), as text and as a Mermaid sequence diagram.")
  boolean trace;

  @Option(names = "--tls-version", paramLabel = "1.2|1.3", description = "Allow only this TLS version.")
  String tlsVersion;

  @Option(names = "--connect-timeout", paramLabel = "SECONDS", description = "Default: 5.")
  double connectTimeout = 5;

  @Option(names = "--max-time", paramLabel = "SECONDS", description = "Response timeout. Default: 30.")
  double responseTimeout = 30;

  @Option(names = "--expiry-warning-days", paramLabel = "DAYS",
      description = "Warn when our certificate expires within DAYS. Default: 14.")
  int expiryWarningDays = 14;

  @Option(names = "--no-preflight",
      description = "Send our certificate even if it is expired, not yet valid or not for client authentication "
          + "(to see what the server makes of it).")
  boolean noPreflight;

  @Option(names = "--repeat", paramLabel = "N", description = "Send the request N times and report requests/s "
      + "and handshakes instead of the body.")
  int repeat = 1;

  @Option(names = "--warmup", paramLabel = "N", description = "With --repeat: send N requests first, not counted, "
      + "so the figures are those of a warmed-up JVM. Default: 0.")
  int warmup;

  @Option(names = "--concurrency", paramLabel = "C", description = "With --repeat: C threads (and at most C "
      + "connections). Default: 1.")
  int concurrency = 1;

  @Option(names = "--ocsp", paramLabel = "aia|URL", description = "Ask an OCSP responder about the server's "
      + "certificate when it staples no answer: the one the certificate names (aia), or URL.")
  String ocsp;

  @Option(names = "--crl-distribution-points", description = "Fetch CRLs from the distribution points the server's "
      + "certificates name.")
  boolean crlDistributionPoints;

  @Option(names = "--revocation-unavailable", paramLabel = "hard-fail|soft-fail", description = "When a responder "
      + "or distribution point does not answer: refuse the server (hard-fail, default) or accept it and say so.")
  String revocationUnavailable;

  @Option(names = "--require-stapled-ocsp", description = "Refuse a server that staples no OCSP response for its "
      + "certificate (must-staple). A stapled response is checked either way.")
  boolean requireStapledOcsp;

  @Option(names = "--crypto-provider", paramLabel = "jdk|accp", description = "JCA provider for the handshake's "
      + "arithmetic: jdk (default) or accp (Amazon Corretto Crypto Provider; its jar must be on the class path).")
  String cryptoProvider = "jdk";

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  private Identity loadedIdentity;

  public static void main(String[] args) {
    if (System.getProperty("logback.configurationFile") == null) {
      System.setProperty("logback.configurationFile", "mtls-client-logback.xml");
    }
    if (java.util.Arrays.asList(args).contains("--trace")) {
      // JSSE reads its debug setting once, when TLS is first used: turn tracing on before anything else.
      HandshakeTracer.enable();
    }
    CommandLine commandLine = commandLine();
    int code = commandLine.execute(args);
    commandLine.getOut().flush();
    commandLine.getErr().flush();
    System.exit(code);
  }

  /** The configured command line, for tests that run it in-process. */
  public static CommandLine commandLine() {
    CommandLine commandLine = new CommandLine(new ClientCommand());
    commandLine.setExecutionExceptionHandler((e, cl, parsed) -> {
      cl.getErr().println("error: " + SafeText.escape(String.valueOf(e.getMessage())));
      e.printStackTrace(cl.getErr());
      return CONNECTION_FAILURE;
    });
    return commandLine;
  }

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    String method = methodAndUrl.size() == 2 ? methodAndUrl.get(0).toUpperCase(Locale.ROOT)
        : dataFile != null ? "POST" : "GET";
    URI url = parseUrl(methodAndUrl.get(methodAndUrl.size() - 1));
    validate();
    try {
      CryptoProvider.parse(cryptoProvider).install();
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(spec.commandLine(), "--crypto-provider: " + e.getMessage());
    } catch (KeyMaterialException e) {
      err.println("error: " + SafeText.escape(e.getMessage()));
      return USAGE;
    }

    MtlsClient.Builder builder = MtlsClient.builder()
        .connectTimeout(seconds(connectTimeout, "--connect-timeout"))
        .responseTimeout(seconds(responseTimeout, "--max-time"))
        .expiryWarning(Duration.ofDays(expiryWarningDays))
        .enforcePreflight(!noPreflight)
        .maxConnections(Math.max(1, concurrency))
        .userAgent("mtls-client/0.1.0");
    if (tlsVersion != null) {
      builder.protocols(List.of("TLSv" + tlsVersion));
    }
    byte[] body;
    try {
      Identity identity = identity();
      if (identity != null) {
        builder.identity(identity);
      }
      OnlineRevocation online = revocationSource();
      if (cacert != null) {
        builder.trust(trust(cacert)).revocationSource(online).requireStapledOcsp(requireStapledOcsp);
      } else {
        builder.trust(Trust.system().withRevocationSource(online).requiringStapledOcsp(requireStapledOcsp));
      }
      body = dataFile == null ? null : Files.readAllBytes(dataFile);
    } catch (KeyMaterialException e) {
      return report(FailureExplainer.explain(e), err);
    } catch (IOException e) {
      throw new CommandLine.ParameterException(spec.commandLine(), "cannot read --data-file " + dataFile + ": "
          + e.getMessage());
    }

    try (MtlsClient client = builder.build()) {
      if (client.preflight() != null) {
        for (String warning : client.preflight().warnings()) {
          err.println("warning: " + warning);
        }
      }
      if (repeat > 1) {
        return repeat(client, method, url, body, out, err);
      }
      MtlsResponse response;
      try {
        response = trace ? traced(client, request(method, url, body), err) : client.execute(request(method, url, body));
      } catch (MtlsException e) {
        return report(e.getDiagnosis(), err);
      }
      if (verbose) {
        printTls(response.tls(), loadedIdentity == null ? null : loadedIdentity.certificate(), err);
        err.println("< HTTP " + response.status());
        for (Map.Entry<String, String> header : response.headers()) {
          // The server chose these bytes: escaped, they cannot move the cursor or forge a line.
          err.println("< " + SafeText.escape(header.getKey()) + ": " + SafeText.escape(header.getValue()));
        }
      }
      out.print(response.bodyText());
      out.flush();
      if (response.status() >= 400) {
        err.println("error: the server answered HTTP " + response.status());
        if (response.tls().certificateRequested() && !response.tls().certificateSent()) {
          // nginx with ssl_verify_client completes the handshake and answers 400 instead of refusing it.
          err.println("hint: the server asked for a client certificate and none was sent; give --cert/--key or --p12");
        }
        return HTTP_ERROR;
      }
      return OK;
    }
  }

  private static MtlsResponse traced(MtlsClient client, BasicClassicHttpRequest request, PrintWriter err)
      throws IOException {
    HandshakeTracer.enable();
    HandshakeTracer.Captured<MtlsResponse> captured = HandshakeTracer.capture(() -> client.execute(request));
    HandshakeTrace trace = captured.trace();
    err.println("* TLS handshake, as this connection performed it:");
    err.print(trace.toText().indent(2));
    err.println("* The same as a Mermaid sequence diagram:");
    err.println("```mermaid");
    err.print(trace.toMermaid());
    err.println("```");
    err.flush();
    if (captured.failure() instanceof IOException e) {
      throw e;
    }
    if (captured.failure() != null) {
      throw new IllegalStateException(captured.failure());
    }
    return captured.result();
  }

  private int repeat(MtlsClient client, String method, URI url, byte[] body, PrintWriter out, PrintWriter err)
      throws Exception {
    if (warmup > 0) {
      new LoadRun(client, () -> request(method, url, body), warmup, concurrency).run();
    }
    LoadRun.Result result = new LoadRun(client, () -> request(method, url, body), repeat, concurrency).run();
    out.printf(Locale.ROOT, "%d requests, concurrency %d, in %.3f s: %.1f requests/s%n", repeat, concurrency,
        result.seconds(), repeat / result.seconds());
    out.printf(Locale.ROOT, "handshakes: %d (full: %d, resumed: %d)%n", client.handshakes(),
        client.fullHandshakes(), client.handshakes() - client.fullHandshakes());
    out.println("statuses: " + result.statuses() + (result.failures().isEmpty() ? ""
        : ", failures: " + result.failures().size()));
    out.flush();
    if (!result.failures().isEmpty()) {
      return report(result.failures().get(0), err);
    }
    return result.statuses().keySet().stream().anyMatch(status -> status >= 400) ? HTTP_ERROR : OK;
  }

  private BasicClassicHttpRequest request(String method, URI url, byte[] body) {
    BasicClassicHttpRequest request = new BasicClassicHttpRequest(method, url);
    String contentType = null;
    for (String header : headers) {
      int colon = header.indexOf(':');
      String name = header.substring(0, colon).trim();
      String value = header.substring(colon + 1).trim();
      if (name.equalsIgnoreCase("Content-Type")) {
        contentType = value;
      } else {
        request.addHeader(name, value);
      }
    }
    if (body != null) {
      request.setEntity(new ByteArrayEntity(body,
          contentType == null ? ContentType.APPLICATION_OCTET_STREAM : ContentType.parse(contentType)));
    } else if (contentType != null) {
      request.addHeader("Content-Type", contentType);
    }
    return request;
  }

  private static int report(Diagnosis diagnosis, PrintWriter err) {
    err.println("error: " + diagnosis.sentence());
    err.println("hint: " + diagnosis.hint());
    err.println("cause: " + diagnosis.technical().replace("\n", "\n       "));
    err.flush();
    if (diagnosis.kind().isTls()) {
      return TLS_FAILURE;
    }
    return diagnosis.kind().isLocal() ? LOCAL_MATERIAL : CONNECTION_FAILURE;
  }

  private void printTls(TlsInfo tls, X509Certificate ours, PrintWriter err) {
    err.println("* " + tls.protocol() + " with " + tls.cipherSuite()
        + (tls.newConnection() ? " (new connection)" : " (reused connection)"));
    List<X509Certificate> chain = tls.serverChain();
    if (!chain.isEmpty()) {
      err.println("* Server certificate chain:");
      for (int i = 0; i < chain.size(); i++) {
        X509Certificate certificate = chain.get(i);
        err.println("*   " + i + " subject: " + display(certificate.getSubjectX500Principal()));
        err.println("*     issuer: " + display(certificate.getIssuerX500Principal()) + ", valid until "
            + certificate.getNotAfter().toInstant());
      }
    }
    if (!tls.certificateRequested()) {
      err.println("* The server did not ask for a client certificate.");
      return;
    }
    List<String> issuers = new ArrayList<>();
    for (Principal issuer : tls.acceptedIssuers()) {
      issuers.add(issuer instanceof X500Principal x500 ? display(x500) : SafeText.escape(issuer.getName()));
    }
    err.println("* The server asked for a client certificate; it accepts CAs: "
        + (issuers.isEmpty() ? "any" : String.join("; ", issuers)) + "; key types: " + tls.acceptedKeyTypes());
    if (tls.certificateSent() && ours != null) {
      err.println("* We sent our certificate " + display(ours.getSubjectX500Principal()) + ", issued by "
          + display(ours.getIssuerX500Principal()) + ", valid until " + ours.getNotAfter().toInstant());
    } else {
      err.println("* We sent no certificate.");
    }
  }

  private Identity identity() {
    if (p12 != null) {
      char[] password = Passwords.resolve(passwordFile, passwordEnv, "Password of " + p12);
      loadedIdentity = Identity.loadPkcs12(p12, password, alias);
    } else if (cert != null) {
      char[] password = Passwords.resolve(passwordFile, passwordEnv, null);
      try {
        loadedIdentity = Identity.loadPem(cert, key, password);
      } catch (KeyMaterialException e) {
        if (password != null || !String.valueOf(e.getMessage()).contains("is encrypted")) {
          throw e;
        }
        loadedIdentity = Identity.loadPem(cert, key, Passwords.prompt("Password of " + key));
      }
    }
    return loadedIdentity;
  }

  private TrustAnchors trust(Path file) {
    String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
    if (name.endsWith(".p12") || name.endsWith(".pfx")) {
      char[] password = Passwords.resolve(cacertPasswordFile, cacertPasswordEnv, "Password of " + file);
      try {
        return TrustAnchors.loadPkcs12(file, password);
      } finally {
        Passwords.clear(password);
      }
    }
    return TrustAnchors.loadPem(file);
  }

  private void validate() {
    CommandLine commandLine = spec.commandLine();
    if (p12 != null && (cert != null || key != null)) {
      throw new CommandLine.ParameterException(commandLine, "give either --p12 or --cert/--key, not both");
    }
    if ((cert == null) != (key == null)) {
      throw new CommandLine.ParameterException(commandLine, "--cert and --key go together");
    }
    if (alias != null && p12 == null) {
      throw new CommandLine.ParameterException(commandLine, "--alias needs --p12");
    }
    if (tlsVersion != null && !tlsVersion.equals("1.2") && !tlsVersion.equals("1.3")) {
      throw new CommandLine.ParameterException(commandLine, "--tls-version must be 1.2 or 1.3, not "
          + SafeText.escape(tlsVersion));
    }
    for (String header : headers) {
      if (header.indexOf(':') <= 0) {
        throw new CommandLine.ParameterException(commandLine, "a header is 'Name: value', not '"
            + SafeText.escape(header) + "'");
      }
    }
    if (repeat < 1 || concurrency < 1 || concurrency > repeat && repeat > 1) {
      throw new CommandLine.ParameterException(commandLine, "need --repeat >= 1 and 1 <= --concurrency <= --repeat");
    }
    if (warmup < 0 || warmup > 0 && repeat == 1) {
      throw new CommandLine.ParameterException(commandLine, "--warmup N (N >= 0) goes with --repeat");
    }
    if (trace && repeat > 1) {
      throw new CommandLine.ParameterException(commandLine, "--trace shows one request's handshake; drop --repeat");
    }
    if (concurrency > 1 && repeat == 1) {
      throw new CommandLine.ParameterException(commandLine, "--concurrency needs --repeat");
    }
    if (cacert == null && !systemTrust) {
      throw new CommandLine.ParameterException(commandLine, "whom do we trust to identify the server? give --cacert"
          + " FILE (the CA that issued the server's certificate), or --system-trust for the JDK's public CAs");
    }
    if (cacert != null && systemTrust) {
      throw new CommandLine.ParameterException(commandLine, "give either --cacert or --system-trust, not both");
    }
  }

  private URI parseUrl(String text) {
    try {
      URI uri = new URI(text);
      if (!"https".equalsIgnoreCase(uri.getScheme()) || uri.getHost() == null) {
        throw new CommandLine.ParameterException(spec.commandLine(), "not an https URL: " + SafeText.escape(text));
      }
      return uri;
    } catch (java.net.URISyntaxException e) {
      throw new CommandLine.ParameterException(spec.commandLine(), "not a URL: " + SafeText.escape(text));
    }
  }

  /** The online revocation source the options ask for, or null. */
  private OnlineRevocation revocationSource() {
    OnlineRevocation.Builder online = OnlineRevocation.builder();
    if (ocsp != null) {
      try {
        if (ocsp.equalsIgnoreCase("aia")) {
          online.ocspFromCertificates();
        } else {
          online.ocspResponder(URI.create(ocsp));
        }
      } catch (IllegalArgumentException e) {
        throw new CommandLine.ParameterException(spec.commandLine(), "--ocsp: expected aia or an http:// URL: "
            + e.getMessage());
      }
    }
    if (crlDistributionPoints) {
      online.crlsFromCertificates();
    }
    if (revocationUnavailable != null) {
      online.whenUnavailable(switch (revocationUnavailable.toLowerCase(java.util.Locale.ROOT)) {
        case "hard-fail" -> UnavailablePolicy.HARD_FAIL;
        case "soft-fail" -> UnavailablePolicy.SOFT_FAIL;
        default -> throw new CommandLine.ParameterException(spec.commandLine(),
            "--revocation-unavailable: expected hard-fail or soft-fail, got " + revocationUnavailable);
      });
      if (!online.isEnabled()) {
        throw new CommandLine.ParameterException(spec.commandLine(),
            "--revocation-unavailable needs --ocsp or --crl-distribution-points");
      }
    }
    return online.isEnabled() ? online.build() : null;
  }

  private Duration seconds(double value, String option) {
    if (value <= 0) {
      throw new CommandLine.ParameterException(spec.commandLine(), option + " must be positive: " + value);
    }
    return Duration.ofMillis((long) (value * 1000));
  }

  private static String display(X500Principal principal) {
    return DistinguishedName.of(principal).toDisplayString();
  }
}
