package dev.mtls.pki.material;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * Writes files so that a crash leaves either the old file or the new one, never half of one, and so that
 * private keys are never readable by others, not even for a moment: the temporary file is created 0600.
 */
public final class AtomicFiles {
  private static final Set<PosixFilePermission> PRIVATE = PosixFilePermissions.fromString("rw-------");
  private static final Set<PosixFilePermission> PUBLIC = PosixFilePermissions.fromString("rw-r--r--");

  /** Whether a file is secret (0600) or public (0644). */
  public enum Visibility { PRIVATE, PUBLIC }

  /** Whether an existing file may be replaced. */
  public enum Existing { REFUSE, REPLACE }

  private AtomicFiles() {}

  /**
   * Writes {@code content} to {@code target}. With {@link Existing#REFUSE} an existing target is left
   * untouched and a {@link FileAlreadyExistsException} (unchecked-wrapped) names it.
   */
  public static void write(Path target, byte[] content, Visibility visibility, Existing existing) {
    Path absolute = target.toAbsolutePath();
    Path directory = absolute.getParent();
    Path temporary = null;
    try {
      Files.createDirectories(directory);
      temporary = createTemporary(directory, absolute.getFileName().toString(), visibility);
      try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.WRITE)) {
        ByteBuffer buffer = ByteBuffer.wrap(content);
        while (buffer.hasRemaining()) {
          channel.write(buffer);
        }
        channel.force(true);
      }
      if (existing == Existing.REPLACE) {
        Files.move(temporary, absolute, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } else {
        // link(2) fails if the target exists, atomically: no window in which another writer's file is lost.
        Files.createLink(absolute, temporary);
        Files.delete(temporary);
      }
      temporary = null;
    } catch (FileAlreadyExistsException e) {
      throw new UncheckedIOException(target + ": already exists; refusing to overwrite it", e);
    } catch (IOException e) {
      throw new UncheckedIOException(target + ": cannot write: " + e.getMessage(), e);
    } finally {
      if (temporary != null) {
        try {
          Files.deleteIfExists(temporary);
        } catch (IOException ignored) {
          // The write already failed; that error is the one worth reporting.
        }
      }
    }
  }

  public static void writeString(Path target, String content, Visibility visibility, Existing existing) {
    write(target, content.getBytes(StandardCharsets.UTF_8), visibility, existing);
  }

  private static Path createTemporary(Path directory, String name, Visibility visibility) throws IOException {
    String prefix = "." + name + ".";
    if (directory.getFileSystem().supportedFileAttributeViews().contains("posix")) {
      Set<PosixFilePermission> permissions = visibility == Visibility.PRIVATE ? PRIVATE : PUBLIC;
      Path file = Files.createTempFile(directory, prefix, ".tmp", PosixFilePermissions.asFileAttribute(PRIVATE));
      Files.setPosixFilePermissions(file, permissions);
      return file;
    }
    return Files.createTempFile(directory, prefix, ".tmp");
  }
}
