package dev.mtls.pki;

import dev.mtls.pki.internal.store.Rollback;
import dev.mtls.pki.material.AtomicFiles;
import dev.mtls.pki.material.AtomicFiles.Existing;
import dev.mtls.pki.material.AtomicFiles.Visibility;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;

/**
 * A {@link Delivery} to a fixed list of files, each written atomically: every file's content is made first (a key
 * that cannot be encrypted, a PKCS#12 that cannot be built fails before any file is touched), then the files are
 * written in order, and a failure removes those this delivery already wrote.
 */
final class FileDelivery implements Delivery {
  /** One file: where, who may read it, and its content made from the issued certificate. */
  record Output(Path path, Visibility visibility, Function<IssuedCertificate, byte[]> content) {}

  private final List<Output> outputs;
  private final Existing existing;

  FileDelivery(List<Output> outputs, Existing existing) {
    this.outputs = List.copyOf(outputs);
    this.existing = Objects.requireNonNull(existing, "existing == null");
  }

  @Override
  public void check() {
    if (existing == Existing.REPLACE) {
      return;
    }
    for (Path file : files()) {
      if (Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
        throw new IllegalStateException(file + ": already exists; nothing was issued. Choose another name or"
            + " directory, or --force to overwrite it");
      }
    }
  }

  @Override
  public List<Path> files() {
    return outputs.stream().map(Output::path).toList();
  }

  @Override
  public List<Path> write(IssuedCertificate issued) {
    List<byte[]> contents = outputs.stream().map(output -> output.content().apply(issued)).toList();
    List<Path> written = new ArrayList<>();
    try {
      for (int i = 0; i < outputs.size(); i++) {
        Output output = outputs.get(i);
        AtomicFiles.write(output.path(), contents.get(i), output.visibility(), existing);
        written.add(output.path());
      }
    } catch (RuntimeException e) {
      throw Rollback.remove(written, e);
    }
    return List.copyOf(written);
  }
}
