package dev.mtls.client.cli;

import dev.mtls.client.MtlsClientBuilder;
import dev.mtls.pki.material.Passwords;
import dev.mtls.pki.material.TrustAnchors;
import dev.mtls.pki.material.trust.Trust;
import java.nio.file.Path;
import java.util.Locale;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/** Whom we trust to identify the server: the CAs of a PEM bundle or PKCS#12 truststore, or the JDK's public CAs. */
final class TrustOptions {
  @Option(names = "--cacert", paramLabel = "FILE",
      description = "CAs we trust for the server: PEM bundle, or PKCS#12 truststore (.p12/.pfx, with its password "
          + "from --cacert-password-file or --cacert-password-env). Required unless --system-trust.")
  Path cacert;

  @Option(names = "--cacert-password-file", paramLabel = "FILE",
      description = "File whose first line is the PKCS#12 truststore's password.")
  Path passwordFile;

  @Option(names = "--cacert-password-env", paramLabel = "VAR",
      description = "Environment variable holding the PKCS#12 truststore's password.")
  String passwordEnv;

  @Option(names = "--system-trust",
      description = "Trust the JDK's CA store (public CAs) for the server, instead of --cacert.")
  boolean systemTrust;

  void validate(CommandLine commandLine) {
    if (cacert == null && !systemTrust) {
      throw new CommandLine.ParameterException(commandLine, "whom do we trust to identify the server? give --cacert"
          + " FILE (the CA that issued the server's certificate), or --system-trust for the JDK's public CAs");
    }
    if (cacert != null && systemTrust) {
      throw new CommandLine.ParameterException(commandLine, "give either --cacert or --system-trust, not both");
    }
  }

  /** Loads what we trust and sets it on {@code builder}, with the revocation configuration on top. */
  void applyTo(MtlsClientBuilder builder, RevocationOptions.Revocation revocation) {
    if (cacert != null) {
      builder.trust(anchors(cacert)).revocationSource(revocation.source())
          .requireStapledOcsp(revocation.requireStapledOcsp());
    } else {
      builder.trust(Trust.system().withRevocationSource(revocation.source())
          .requiringStapledOcsp(revocation.requireStapledOcsp()));
    }
  }

  private TrustAnchors anchors(Path file) {
    String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
    if (name.endsWith(".p12") || name.endsWith(".pfx")) {
      char[] password = Passwords.resolve(passwordFile, passwordEnv, "Password of " + file);
      try {
        return TrustAnchors.loadPkcs12(file, password);
      } finally {
        Passwords.clear(password);
      }
    }
    return TrustAnchors.loadPem(file);
  }
}
