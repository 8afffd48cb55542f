package dev.mtls.pki.material;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mtls.pki.material.AtomicFiles.Existing;
import dev.mtls.pki.material.AtomicFiles.Visibility;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtomicFilesTest {
  @TempDir Path directory;

  @Test
  void private_file_is_created_0600() throws IOException {
    Path key = directory.resolve("ca.key");

    AtomicFiles.writeString(key, "secret", Visibility.PRIVATE, Existing.REFUSE);

    assertThat(Files.readString(key)).isEqualTo("secret");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(key))).isEqualTo("rw-------");
  }

  @Test
  void public_file_is_created_0644() throws IOException {
    Path certificate = directory.resolve("ca.pem");

    AtomicFiles.writeString(certificate, "public", Visibility.PUBLIC, Existing.REFUSE);

    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(certificate))).isEqualTo("rw-r--r--");
  }

  @Test
  void refuses_to_overwrite_and_leaves_the_original_intact() throws IOException {
    Path key = directory.resolve("ca.key");
    AtomicFiles.writeString(key, "original", Visibility.PRIVATE, Existing.REFUSE);

    assertThatThrownBy(() -> AtomicFiles.writeString(key, "replacement", Visibility.PRIVATE, Existing.REFUSE))
        .isInstanceOf(UncheckedIOException.class)
        .hasMessage(key + ": already exists; refusing to overwrite it")
        .hasCauseInstanceOf(FileAlreadyExistsException.class);
    assertThat(Files.readString(key)).isEqualTo("original");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(key))).isEqualTo("rw-------");
    assertThat(filesIn(directory)).containsExactly("ca.key");
  }

  @Test
  void replaces_an_existing_file_when_asked() throws IOException {
    Path index = directory.resolve("index.txt");
    AtomicFiles.writeString(index, "old", Visibility.PUBLIC, Existing.REFUSE);

    AtomicFiles.writeString(index, "new", Visibility.PRIVATE, Existing.REPLACE);

    assertThat(Files.readString(index)).isEqualTo("new");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(index))).isEqualTo("rw-------");
    assertThat(filesIn(directory)).containsExactly("index.txt");
  }

  @Test
  void creates_missing_parent_directories() throws IOException {
    Path nested = directory.resolve("ca/private/root.key");

    AtomicFiles.write(nested, new byte[] {1, 2, 3}, Visibility.PRIVATE, Existing.REFUSE);

    assertThat(Files.readAllBytes(nested)).containsExactly(1, 2, 3);
  }

  private static Stream<String> filesInStream(Path directory) throws IOException {
    return Files.list(directory).map(p -> p.getFileName().toString());
  }

  private static java.util.List<String> filesIn(Path directory) throws IOException {
    try (Stream<String> names = filesInStream(directory)) {
      return names.sorted().toList();
    }
  }
}
