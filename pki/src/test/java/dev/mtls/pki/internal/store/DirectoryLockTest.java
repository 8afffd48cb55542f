package dev.mtls.pki.internal.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DirectoryLockTest {
  @TempDir Path dir;

  @Test
  void runs_the_change_holding_the_lock_and_lets_the_next_one_in_after_it() {
    assertThat(DirectoryLock.hold(dir, () -> "first")).isEqualTo("first");
    assertThat(DirectoryLock.hold(dir, () -> "second")).isEqualTo("second");
  }

  @Test
  void a_second_writer_is_told_at_once_to_try_again_and_its_change_does_not_run() throws Exception {
    boolean[] ran = {false};
    try (FileChannel channel = FileChannel.open(dir.resolve(".lock"), StandardOpenOption.CREATE,
        StandardOpenOption.WRITE);
        FileLock held = channel.lock()) {
      assertThatThrownBy(() -> DirectoryLock.hold(dir, () -> {
        ran[0] = true;
      }))
          .isInstanceOf(IllegalStateException.class)
          .hasMessage(dir + ": another pki command is changing this CA; try again");
    }
    assertThat(ran[0]).isFalse();
  }
}
