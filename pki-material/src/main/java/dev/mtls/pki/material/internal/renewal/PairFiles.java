package dev.mtls.pki.material.internal.renewal;

import dev.mtls.pki.material.AtomicFiles;
import dev.mtls.pki.material.AtomicFiles.Existing;
import dev.mtls.pki.material.AtomicFiles.Visibility;
import dev.mtls.pki.material.Identity;
import dev.mtls.pki.material.Pem;
import dev.mtls.pki.material.renewal.RenewalFailure;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;

/**
 * The identity's two files, a PEM chain and a PEM key, replaced as a pair. Two files cannot be renamed in one step,
 * so the new pair is first staged complete next to them ({@code NAME.renewing}, each written atomically, the key
 * 0600), then the key and then the chain are renamed over the current ones. A failure while staging leaves the
 * current pair untouched and removes what was staged; a crash between the two renames is completed by
 * {@link #completeInterrupted()} before the pair is next read. Written where the files really are (a symbolic
 * link keeps pointing where it pointed), so a layout someone else also writes, e.g. cert-manager's, keeps working.
 */
public final class PairFiles {
  private static final String STAGED = ".renewing";
  private final Path chain;
  private final Path key;
  private final char[] password;

  public PairFiles(Path chain, Path key, char[] password) {
    this.chain = chain;
    this.key = key;
    this.password = password == null ? null : password.clone();
  }

  public Path chain() {
    return chain;
  }

  /** The pair in the files now; throws a {@link dev.mtls.pki.material.KeyMaterialException} naming the file. */
  public Identity load() {
    return Identity.loadPem(chain, key, password);
  }

  /** The leaf certificate in the chain file now. */
  public X509Certificate leaf() {
    return Pem.loadCertificates(chain).get(0);
  }

  /** Replaces the pair with {@code newChain} and {@code newKey}; on failure the current pair is as it was. */
  public void replace(List<X509Certificate> newChain, PrivateKey newKey) throws EnrolmentException {
    Path realChain = real(chain);
    Path realKey = real(key);
    Path stagedChain = staged(realChain);
    Path stagedKey = staged(realKey);
    try {
      String keyPem = password == null ? Pem.encode(newKey) : Pem.encodeEncrypted(newKey, password);
      AtomicFiles.writeString(stagedKey, keyPem, Visibility.PRIVATE, Existing.REPLACE);
      AtomicFiles.writeString(stagedChain, Pem.encode(newChain), Visibility.PUBLIC, Existing.REPLACE);
    } catch (UncheckedIOException | IllegalStateException e) {
      deleteQuietly(stagedKey);
      deleteQuietly(stagedChain);
      throw new EnrolmentException(RenewalFailure.WRITE_FAILED, "cannot write the renewed key and certificate next"
          + " to " + chain + " (the current ones stay): " + e.getMessage(), e);
    }
    try {
      commit(stagedChain, realChain, stagedKey, realKey);
    } catch (IOException e) {
      throw new EnrolmentException(RenewalFailure.WRITE_FAILED, "cannot move the renewed key and certificate over "
          + chain + "; the staged pair " + stagedChain + " is completed at the next start: " + e.getMessage(), e);
    }
  }

  /**
   * Completes a replacement a crash interrupted: once the staged chain exists the new pair was complete, so it is
   * moved into place; a staged key alone means staging stopped half-way, and it is removed. Returns whether a
   * replacement was completed.
   */
  public boolean completeInterrupted() {
    Path realChain = real(chain);
    Path realKey = real(key);
    Path stagedChain = staged(realChain);
    Path stagedKey = staged(realKey);
    try {
      if (Files.exists(stagedChain)) {
        commit(stagedChain, realChain, stagedKey, realKey);
        return true;
      }
      Files.deleteIfExists(stagedKey);
      return false;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot complete the interrupted renewal of " + chain + " from "
          + stagedChain + ": " + e.getMessage(), e);
    }
  }

  private static void commit(Path stagedChain, Path chain, Path stagedKey, Path key) throws IOException {
    if (Files.exists(stagedKey)) {
      Files.move(stagedKey, key, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }
    Files.move(stagedChain, chain, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
  }

  private static Path real(Path file) {
    try {
      return Files.exists(file) ? file.toRealPath() : file.toAbsolutePath();
    } catch (IOException e) {
      return file.toAbsolutePath();
    }
  }

  private static Path staged(Path file) {
    return file.resolveSibling(file.getFileName() + STAGED);
  }

  private static void deleteQuietly(Path file) {
    try {
      Files.deleteIfExists(file);
    } catch (IOException ignored) {
      // The write failed already; that is the error worth reporting.
    }
  }
}
