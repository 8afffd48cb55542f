package dev.mtls.pki.cli;

import dev.mtls.pki.material.ChainVerifier;
import dev.mtls.pki.material.ChainVerifier.Purpose;
import dev.mtls.pki.material.DistinguishedName;
import dev.mtls.pki.material.Pem;
import dev.mtls.pki.material.TrustAnchors;
import java.nio.file.Path;
import java.security.cert.X509CRL;
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
    description = {"Verify a certificate against trust anchors with the JDK's PKIX validator (as JSSE does) and",
        "say why it fails. Exit code 0 when valid, 3 when not."})
final class VerifyCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Parameters(paramLabel = "CERT", description = "PEM certificate, or a chain with the leaf first.")
  Path certificate;

  @Option(names = "--ca-file", required = true, paramLabel = "FILE", description = "Trust anchors (PEM), e.g. root.pem.")
  Path caFile;

  @Option(names = "--untrusted", paramLabel = "FILE", description = "Intermediates (PEM) to build the path with.")
  Path untrusted;

  @Option(names = "--crl", paramLabel = "FILE", description = "CRL(s) to check revocation against (repeatable).")
  List<Path> crlFiles = new ArrayList<>();

  @Option(names = "--purpose", paramLabel = "PURPOSE", defaultValue = "any",
      description = "client, server or any (default: ${DEFAULT-VALUE}).")
  String purpose;

  @Override
  public Integer call() {
    Purpose wanted = switch (purpose.toLowerCase(Locale.ROOT)) {
      case "client" -> Purpose.CLIENT;
      case "server" -> Purpose.SERVER;
      case "any" -> Purpose.NONE;
      default -> throw new IllegalArgumentException("unknown purpose '" + purpose + "'; expected client, server or any");
    };
    List<X509Certificate> chain = new ArrayList<>(Pem.loadCertificates(certificate));
    if (untrusted != null) {
      chain.addAll(Pem.loadCertificates(untrusted));
    }
    List<X509CRL> crls = new ArrayList<>();
    crlFiles.forEach(f -> crls.addAll(Pem.loadCrls(f)));
    ChainVerifier.Result result = ChainVerifier.verify(chain, TrustAnchors.loadPem(caFile), crls, Instant.now(), wanted);
    String subject = DistinguishedName.of(chain.get(0).getSubjectX500Principal()).toDisplayString();
    if (result.valid()) {
      spec.commandLine().getOut().println(certificate + ": OK (" + subject + ")");
      return 0;
    }
    spec.commandLine().getOut().println(certificate + ": FAILED: " + result.reason());
    return 3;
  }
}
