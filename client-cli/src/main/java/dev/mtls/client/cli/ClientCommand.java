package dev.mtls.client.cli;

import dev.mtls.cli.SettingOptions;
import dev.mtls.client.Diagnosis;
import dev.mtls.client.FailureExplainer;
import dev.mtls.client.MtlsClient;
import dev.mtls.client.MtlsClientBuilder;
import dev.mtls.client.MtlsException;
import dev.mtls.client.MtlsResponse;
import dev.mtls.client.trace.HandshakeTracer;
import dev.mtls.pki.material.CryptoProvider;
import dev.mtls.pki.material.Identity;
import dev.mtls.pki.material.KeyMaterialException;
import dev.mtls.pki.material.SafeText;
import dev.mtls.pki.material.renewal.RenewalSettings;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.io.entity.ByteArrayEntity;
import org.apache.hc.core5.http.message.BasicClassicHttpRequest;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code java -jar client-cli/target/mtls-client.jar [METHOD] URL}: a curl-like mTLS client that explains failures. */
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

  // Options and groups in the order --help shows them: with sortOptions = false it follows the declarations.
  @Mixin
  IdentityOptions identity;

  @Mixin
  TrustOptions trust;

  @Option(names = {"-H", "--header"}, paramLabel = "'NAME: VALUE'", description = "Add a request header.")
  List<String> headers = new ArrayList<>();

  @Option(names = "--data-file", paramLabel = "FILE", description = "Send FILE as the request body.")
  Path dataFile;

  @Mixin
  OutputOptions output;

  @Mixin
  TlsOptions tls;

  @Mixin
  LoadOptions load;

  @Mixin
  RevocationOptions revocation;

  /** --crypto-provider, made from its declaration (shared with the server). */
  private SettingOptions cryptoProvider;

  /** --renew-from, made from its declaration (shared with the server). */
  private SettingOptions renewal;

  @Spec
  CommandSpec spec;

  public static void main(String[] args) {
    if (System.getProperty("logback.configurationFile") == null) {
      System.setProperty("logback.configurationFile", "mtls-client-logback.xml");
    }
    if (Arrays.asList(args).contains("--trace")) {
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
    ClientCommand command = new ClientCommand();
    CommandLine commandLine = new CommandLine(command);
    command.revocation.addOptionsTo(commandLine.getCommandSpec());
    command.cryptoProvider = SettingOptions.addTo(commandLine.getCommandSpec(), List.of(CryptoProvider.SETTING));
    command.renewal = SettingOptions.addTo(commandLine.getCommandSpec(), RenewalSettings.ALL);
    commandLine.setExecutionExceptionHandler((e, cl, parsed) -> {
      cl.getErr().println("error: " + SafeText.escape(String.valueOf(e.getMessage())));
      e.printStackTrace(cl.getErr());
      return CONNECTION_FAILURE;
    });
    return commandLine;
  }

  @Override
  public Integer call() throws Exception {
    CommandLine commandLine = spec.commandLine();
    PrintWriter out = commandLine.getOut();
    PrintWriter err = commandLine.getErr();
    String method = methodAndUrl.size() == 2 ? methodAndUrl.get(0).toUpperCase(Locale.ROOT)
        : dataFile != null ? "POST" : "GET";
    URI url = parseUrl(methodAndUrl.get(methodAndUrl.size() - 1));
    validate(commandLine);
    try {
      cryptoProvider.getOrDefault(CryptoProvider.SETTING).install();
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(commandLine, e.getMessage());
    } catch (KeyMaterialException e) {
      err.println("error: " + SafeText.escape(e.getMessage()));
      return USAGE;
    }

    MtlsClientBuilder builder = MtlsClient.builder().maxConnections(load.connections()).userAgent("mtls-client/0.1.0");
    tls.applyTo(builder, commandLine);
    Identity ours;
    byte[] body;
    try {
      ours = identity.load();
      if (ours != null) {
        identity.applyTo(builder, ours, renewal.get(RenewalSettings.RENEW_FROM).orElse(null), commandLine);
      }
      trust.applyTo(builder, revocation.revocation(commandLine));
      body = dataFile == null ? null : Files.readAllBytes(dataFile);
    } catch (KeyMaterialException e) {
      return report(FailureExplainer.explain(e), err);
    } catch (IOException e) {
      throw new CommandLine.ParameterException(commandLine, "cannot read --data-file " + dataFile + ": "
          + e.getMessage());
    }

    try (MtlsClient client = builder.build()) {
      if (client.preflight() != null) {
        for (String warning : client.preflight().warnings()) {
          err.println("warning: " + warning);
        }
      }
      if (load.isLoadRun()) {
        return load.run(client, () -> request(method, url, body), tls.http2, out, err);
      }
      MtlsResponse response;
      try {
        response = output.send(client, request(method, url, body), tls.http2, err);
      } catch (MtlsException e) {
        return report(e.getDiagnosis(), err);
      }
      output.describe(response, ours, err);
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

  /** Prints {@code diagnosis} and returns the exit code its kind of failure has. */
  static int report(Diagnosis diagnosis, PrintWriter err) {
    err.println("error: " + diagnosis.sentence());
    err.println("hint: " + diagnosis.hint());
    err.println("cause: " + diagnosis.technical().replace("\n", "\n       "));
    err.flush();
    if (diagnosis.kind().isTls()) {
      return TLS_FAILURE;
    }
    return diagnosis.kind().isLocal() ? LOCAL_MATERIAL : CONNECTION_FAILURE;
  }

  /** Refuses what makes no sense, in the order a reader meets the options. */
  private void validate(CommandLine commandLine) {
    identity.validate(commandLine);
    if (renewal.get(RenewalSettings.RENEW_FROM).isPresent() && identity.cert == null) {
      throw new CommandLine.ParameterException(commandLine, "--renew-from needs --cert and --key: it writes the"
          + " renewed key and certificate over those PEM files");
    }
    tls.validate(commandLine);
    for (String header : headers) {
      if (header.indexOf(':') <= 0) {
        throw new CommandLine.ParameterException(commandLine, "a header is 'Name: value', not '"
            + SafeText.escape(header) + "'");
      }
    }
    load.validate(commandLine, output.trace);
    trust.validate(commandLine);
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

  private URI parseUrl(String text) {
    try {
      URI uri = new URI(text);
      if (!"https".equalsIgnoreCase(uri.getScheme()) || uri.getHost() == null) {
        throw new CommandLine.ParameterException(spec.commandLine(), "not an https URL: " + SafeText.escape(text));
      }
      return uri;
    } catch (URISyntaxException e) {
      throw new CommandLine.ParameterException(spec.commandLine(), "not a URL: " + SafeText.escape(text));
    }
  }
}
