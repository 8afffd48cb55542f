package dev.mtls.pki.cli;

import dev.mtls.pki.Csr;
import dev.mtls.pki.Inspector;
import dev.mtls.pki.material.Identity;
import dev.mtls.pki.material.KeyMaterialException;
import dev.mtls.pki.material.Passwords;
import dev.mtls.pki.material.Pem;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.KeyStoreException;
import java.security.UnrecoverableKeyException;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "inspect", mixinStandardHelpOptions = true,
    description = {"Show a certificate, chain, CSR, CRL or PKCS#12 file in readable form: subject, issuer, serial,",
        "validity with days left, SANs, key usage, EKU, basic constraints, SKI/AKI, signature, SHA-256 fingerprint."})
final class InspectCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Parameters(paramLabel = "FILE", description = "PEM certificate(s), CSR or CRL, or a .p12 file.")
  Path file;

  @Option(names = "--password-file", paramLabel = "FILE", description = "Password of a .p12 file (else the environment or a prompt).")
  Path passwordFile;

  @Option(names = "--password-env", paramLabel = "VARIABLE", description = "Environment variable holding the .p12 password.")
  String passwordEnv;

  @Override
  public Integer call() {
    var out = spec.commandLine().getOut();
    byte[] content = read(file);
    Instant now = Instant.now();
    String text = new String(content, StandardCharsets.US_ASCII);
    if (!text.contains("-----BEGIN ")) {
      out.print(describePkcs12(now));
      return 0;
    }
    if (text.contains("-----BEGIN CERTIFICATE REQUEST-----") || text.contains("-----BEGIN NEW CERTIFICATE REQUEST-----")) {
      out.println("Certificate request " + file);
      out.print(Inspector.describe(Csr.load(file)));
    } else if (text.contains("-----BEGIN X509 CRL-----")) {
      for (X509CRL crl : Pem.loadCrls(file)) {
        out.println("CRL " + file);
        out.print(Inspector.describe(crl, now));
      }
    } else if (text.contains("-----BEGIN CERTIFICATE-----")) {
      List<X509Certificate> chain = Pem.loadCertificates(file);
      out.println((chain.size() == 1 ? "Certificate " : "Chain ") + file);
      out.print(chain.size() == 1 ? Inspector.describe(chain.get(0), now) : Inspector.describeChain(chain, now));
    } else if (text.contains("PRIVATE KEY-----")) {
      out.println(file + " holds a private key; its contents are not shown. Inspect its certificate instead.");
    } else {
      throw new KeyMaterialException(file + ": no certificate, CSR, CRL or key in this PEM file");
    }
    return 0;
  }

  private String describePkcs12(Instant now) {
    char[] password = Passwords.resolve(passwordFile, passwordEnv, "Password of " + file);
    StringBuilder out = new StringBuilder("PKCS#12 " + file + "\n");
    KeyStore store;
    try (var in = Files.newInputStream(file)) {
      store = KeyStore.getInstance("PKCS12");
      store.load(in, password);
    } catch (IOException e) {
      if (e.getCause() instanceof UnrecoverableKeyException) {
        throw new KeyMaterialException(file + ": wrong password for the PKCS#12 file");
      }
      throw new KeyMaterialException(file + ": neither PEM nor a readable PKCS#12 file (" + e.getMessage() + ")");
    } catch (GeneralSecurityException e) {
      throw new KeyMaterialException(file + ": cannot read PKCS#12: " + e.getMessage());
    }
    try {
      for (String alias : Collections.list(store.aliases())) {
        if (store.isKeyEntry(alias)) {
          Identity identity = Identity.loadPkcs12(file, password, alias);
          out.append("Key entry '").append(alias).append("' (private key + ").append(identity.chain().size())
              .append(" certificate(s))\n").append(Inspector.describeChain(identity.chain(), now));
        } else {
          out.append("Trusted certificate entry '").append(alias).append("'\n")
              .append(Inspector.describe((X509Certificate) store.getCertificate(alias), now));
        }
      }
    } catch (KeyStoreException e) {
      throw new KeyMaterialException(file + ": cannot list entries: " + e.getMessage());
    }
    return out.toString();
  }

  static byte[] read(Path file) {
    try {
      return Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      throw new KeyMaterialException(file + ": file not found");
    } catch (IOException e) {
      throw new UncheckedIOException(file + ": cannot read: " + e.getMessage(), e);
    }
  }

}
