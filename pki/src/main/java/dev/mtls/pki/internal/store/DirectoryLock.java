package dev.mtls.pki.internal.store;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.function.Supplier;

/**
 * The lock a change to a CA directory holds ({@code .lock}), so that two pki commands cannot interleave their writes.
 * It is not waited for: a second writer is told at once to try again. Not reentrant: a holder must not ask again.
 */
public final class DirectoryLock {
  private DirectoryLock() {}

  /** Runs {@code action} holding the lock of {@code directory}, and returns what it returns. */
  public static <T> T hold(Path directory, Supplier<T> action) {
    Path lockFile = directory.resolve(".lock");
    try (FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        FileLock lock = tryLock(channel, directory)) {
      return action.get();
    } catch (IOException e) {
      throw new UncheckedIOException(lockFile + ": cannot lock: " + e.getMessage(), e);
    }
  }

  /** Runs {@code action} holding the lock of {@code directory}. */
  public static void hold(Path directory, Runnable action) {
    hold(directory, () -> {
      action.run();
      return null;
    });
  }

  private static FileLock tryLock(FileChannel channel, Path directory) throws IOException {
    FileLock lock;
    try {
      lock = channel.tryLock();
    } catch (OverlappingFileLockException e) {
      // Held in this JVM (another thread, another CaDirectory of the same directory): the same answer.
      lock = null;
    }
    if (lock == null) {
      throw new IllegalStateException(directory + ": another pki command is changing this CA; try again");
    }
    return lock;
  }
}
