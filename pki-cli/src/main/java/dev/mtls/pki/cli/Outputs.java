package dev.mtls.pki.cli;

import dev.mtls.pki.IssuedCertificate;
import dev.mtls.pki.Pkcs12;
import dev.mtls.pki.material.AtomicFiles.Existing;
import dev.mtls.pki.material.AtomicFiles.Visibility;
import dev.mtls.pki.material.AtomicFiles;
import dev.mtls.pki.material.KeyEncryption;
import dev.mtls.pki.material.Pem;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Writes an issued credential as NAME.pem, NAME-chain.pem, NAME.key (0600) and NAME.p12. */
final class Outputs {
  private Outputs() {}

  static List<Path> write(IssuedCertificate issued, Path directory, String name, char[] password,
      boolean encryptKey, Pkcs12.Profile profile, boolean force, KeyEncryption cost) {
    Existing existing = force ? Existing.REPLACE : Existing.REFUSE;
    List<Path> written = new ArrayList<>();
    Path key = directory.resolve(name + ".key");
    if (issued.hasKeyPair()) {
      String keyPem = encryptKey ? Pem.encodeEncrypted(issued.keyPair().getPrivate(), password, cost) : issued.privateKeyPem();
      AtomicFiles.writeString(key, keyPem, Visibility.PRIVATE, existing);
      written.add(key);
    }
    Path certificate = directory.resolve(name + ".pem");
    AtomicFiles.writeString(certificate, issued.certificatePem(), Visibility.PUBLIC, existing);
    written.add(certificate);
    Path chain = directory.resolve(name + "-chain.pem");
    AtomicFiles.writeString(chain, issued.chainPem(), Visibility.PUBLIC, existing);
    written.add(chain);
    if (issued.hasKeyPair() && password != null) {
      Path p12 = directory.resolve(name + ".p12");
      AtomicFiles.write(p12, Pkcs12.keyStore(issued.identity(), password, name, profile, cost), Visibility.PRIVATE, existing);
      written.add(p12);
    }
    return written;
  }

  static void list(PrintWriter out, List<Path> files) {
    for (Path file : files) {
      out.println("  wrote " + file);
    }
  }
}
