package dev.mtls.pki.cli;

import dev.mtls.pki.CaDirectory;
import dev.mtls.pki.EnrolmentToken;
import dev.mtls.pki.EnrolmentTokens;
import dev.mtls.pki.Profile;
import dev.mtls.pki.material.SafeText;
import dev.mtls.pki.material.SubjectAltName;
import java.io.PrintWriter;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import javax.security.auth.x500.X500Principal;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "token", mixinStandardHelpOptions = true,
    description = {"Make a one-time enrolment token for EST (pki serve --est-port): it lets one client enrol one"
        + " certificate of PROFILE for exactly --subject and the --san names, before --valid-for has passed.",
        "Prints the token's id and secret; the secret is shown only here: DIR/enrolment-tokens.tsv keeps its"
        + " SHA-256. The client sends them to /.well-known/est/simpleenroll as HTTP Basic credentials"
        + " (user = id, password = secret), and renews later with simplereenroll and the certificate it holds.",
        "Example: token client --dir ca --subject CN=device-1,O=Example --san dns:device-1.example.org"})
final class TokenCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Parameters(index = "0", arity = "0..1", paramLabel = "PROFILE", defaultValue = "client",
      description = "server or client (default: ${DEFAULT-VALUE}).")
  String profile;

  @Mixin
  CaOptions ca;

  @Option(names = "--subject", required = true, paramLabel = "DN", description = "The subject the certificate has.")
  String subject;

  @Option(names = "--san", paramLabel = "NAME",
      description = "A subject alternative name it has: dns:H, ip:A, email:E or uri:U (repeatable).")
  List<String> sans = new ArrayList<>();

  @Option(names = "--valid-for", paramLabel = "DURATION", defaultValue = "24h",
      description = "How long the token may be used, such as 24h or 30m (default: ${DEFAULT-VALUE}).")
  String validFor;

  @Override
  public Integer call() {
    Profile chosen = Profile.fromCliName(profile);
    List<SubjectAltName> names = sans.stream().map(SubjectAltName::parse).toList();
    X500Principal dn;
    try {
      dn = new X500Principal(subject);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("--subject is not a distinguished name: '" + SafeText.escape(subject)
          + "' (" + e.getMessage() + "); e.g. CN=device-1,O=Example");
    }
    EnrolmentToken token;
    try (CaDirectory directory = ca.open()) {
      token = EnrolmentTokens.create(directory, chosen, dn, names, Durations.parse("--valid-for", validFor),
          Clock.systemUTC());
    }
    PrintWriter out = spec.commandLine().getOut();
    out.println("Enrolment token for one " + profile + " certificate " + SafeText.escape(dn.getName())
        + (names.isEmpty() ? "" : " " + names) + ", usable once until " + token.expires() + ":");
    out.println("  id:     " + token.id());
    out.println("  secret: " + token.secret());
    out.println("The secret is shown only now (" + ca.dir().resolve("enrolment-tokens.tsv") + " keeps its SHA-256)."
        + " EST simpleenroll takes both as HTTP Basic credentials: user = id, password = secret.");
    return 0;
  }
}
