package dev.mtls.pki.cli;

import dev.mtls.pki.material.Pem;
import dev.mtls.pki.material.TrustAnchors;
import dev.mtls.pki.material.trust.CrlSet;
import dev.mtls.pki.material.trust.MissingCrlPolicy;
import dev.mtls.pki.material.trust.Purpose;
import dev.mtls.pki.material.trust.Trust;
import dev.mtls.pki.material.trust.Verdict;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "verify", mixinStandardHelpOptions = true,
    description = {"Verify a certificate chain exactly as the server judges a client (and the client a server): the",
        "JDK's PKIX validation against the trust anchors, the project's algorithm policy, the purpose, and the newest",
        "CRL of every CA in the path. Prints TRUSTED or REFUSED with the reason and one sentence.",
        "Exit code 0 when trusted, 3 when refused."})
final class VerifyCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Parameters(paramLabel = "CERT", description = "PEM certificate, or a chain with the leaf first.")
  Path certificate;

  @Option(names = "--ca-file", required = true, paramLabel = "FILE", description = "Trust anchors (PEM), e.g. root.pem.")
  Path caFile;

  @Option(names = "--untrusted", paramLabel = "FILE", description = "Intermediates (PEM) to build the path with.")
  Path untrusted;

  @Option(names = "--crl", paramLabel = "FILE", description = {"CRL file(s) (repeatable), e.g. DIR/crl.pem.",
      "With CRLs, every CA in the path needs one (see --missing-crl)."})
  List<Path> crlFiles = new ArrayList<>();

  @Option(names = "--missing-crl", paramLabel = "POLICY", defaultValue = "refuse",
      description = "refuse or accept a path with a CA that has no CRL, when CRLs are given (default: ${DEFAULT-VALUE}).")
  String missingCrl;

  @Option(names = "--purpose", paramLabel = "PURPOSE", defaultValue = "any",
      description = "client, server or any (default: ${DEFAULT-VALUE}).")
  String purpose;

  @Option(names = "--at", paramLabel = "INSTANT",
      description = "Judge as of this moment (ISO-8601, e.g. 2027-01-31T00:00:00Z) instead of now.")
  Instant at;

  @Override
  public Integer call() {
    Purpose wanted = switch (purpose.toLowerCase(Locale.ROOT)) {
      case "client" -> Purpose.CLIENT;
      case "server" -> Purpose.SERVER;
      case "any" -> Purpose.ANY;
      default -> throw new IllegalArgumentException("unknown purpose '" + purpose + "'; expected client, server or any");
    };
    MissingCrlPolicy missing = switch (missingCrl.toLowerCase(Locale.ROOT)) {
      case "refuse" -> MissingCrlPolicy.REFUSE;
      case "accept" -> MissingCrlPolicy.ACCEPT;
      default -> throw new IllegalArgumentException("unknown --missing-crl '" + missingCrl + "'; expected refuse or"
          + " accept");
    };
    List<X509Certificate> chain = new ArrayList<>(Pem.loadCertificates(certificate));
    if (untrusted != null) {
      chain.addAll(Pem.loadCertificates(untrusted));
    }
    CrlSet crls = CrlSet.NONE;
    for (Path file : crlFiles) {
      crls = crls.with(file.toString(), CrlSet.load(file));
    }
    Trust trust = Trust.of(TrustAnchors.loadPem(caFile), crls, missing);
    Verdict verdict = trust.verify(chain, wanted, at == null ? Instant.now() : at);
    PrintWriter out = spec.commandLine().getOut();
    if (verdict.isTrusted()) {
      out.println(certificate + ": TRUSTED: " + verdict.sentence() + "; holds until "
          + verdict.validUntil().orElseThrow());
      verdict.notes().forEach(note -> out.println("  note: " + note));
      return 0;
    }
    out.println(certificate + ": REFUSED (" + verdict.reason().name() + "): " + verdict.reason().words() + ": "
        + verdict.sentence());
    out.println("  hint: " + verdict.reason().hint());
    return 3;
  }
}
