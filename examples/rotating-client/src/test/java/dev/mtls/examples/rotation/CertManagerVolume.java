package dev.mtls.examples.rotation;

import dev.mtls.pki.material.Pem;
import dev.mtls.testing.pki.Issued;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.cert.X509Certificate;
import java.util.List;

/**
 * A directory laid out as Kubernetes mounts a secret (and so as cert-manager renews one): the files live in a
 * timestamped directory, {@code ..data} links to it, and {@code tls.crt} links to {@code ..data/tls.crt}. A renewal
 * writes a new directory and swaps {@code ..data} in one rename, so a reader never sees a new key with an old
 * certificate.
 */
final class CertManagerVolume {
  private final Path directory;
  private int version;

  CertManagerVolume(Path directory) {
    this.directory = directory;
  }

  void publish(Issued issued, List<X509Certificate> anchors) throws IOException {
    Path next = Files.createDirectory(directory.resolve("..version-" + ++version));
    Files.writeString(next.resolve("tls.crt"), Pem.encode(issued.chain()));
    Files.writeString(next.resolve("tls.key"), Pem.encode(issued.privateKey()));
    Files.writeString(next.resolve("ca.crt"), Pem.encode(anchors));
    Path link = Files.createSymbolicLink(directory.resolve("..data_tmp"), next.getFileName());
    Files.move(link, directory.resolve("..data"), StandardCopyOption.ATOMIC_MOVE);
    for (String file : List.of("tls.crt", "tls.key", "ca.crt")) {
      if (!Files.exists(directory.resolve(file), java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
        Files.createSymbolicLink(directory.resolve(file), Path.of("..data", file));
      }
    }
  }
}
