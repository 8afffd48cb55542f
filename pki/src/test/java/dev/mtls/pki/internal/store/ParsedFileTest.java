package dev.mtls.pki.internal.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mtls.pki.material.AtomicFiles;
import dev.mtls.pki.material.AtomicFiles.Existing;
import dev.mtls.pki.material.AtomicFiles.Visibility;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ParsedFileTest {
  @TempDir Path dir;
  private final AtomicInteger parses = new AtomicInteger();

  @Test
  void parses_once_while_the_file_does_not_change() throws Exception {
    Path file = write("index", "one");
    ParsedFile<String> parsed = new ParsedFile<>(file, () -> read(file));

    for (int i = 0; i < 100; i++) {
      assertThat(parsed.get()).isEqualTo("one");
    }

    assertThat(parses).hasValue(1);
  }

  @Test
  void parses_again_at_once_when_another_writer_replaces_the_file_with_one_of_the_same_size() throws Exception {
    Path file = write("index", "one");
    ParsedFile<String> parsed = new ParsedFile<>(file, () -> read(file));
    parsed.get();
    FileTime before = Files.getLastModifiedTime(file);

    AtomicFiles.writeString(file, "two", Visibility.PUBLIC, Existing.REPLACE);
    Files.setLastModifiedTime(file, before);

    assertThat(parsed.get()).isEqualTo("two");
    assertThat(parses).hasValue(2);
  }

  @Test
  void parses_again_when_the_file_is_rewritten_in_place_with_the_same_size() throws Exception {
    Path file = write("index", "one");
    ParsedFile<String> parsed = new ParsedFile<>(file, () -> read(file));
    parsed.get();
    FileTime before = Files.getLastModifiedTime(file);

    Files.writeString(file, "two");
    Files.setLastModifiedTime(file, FileTime.fromMillis(before.toMillis() + 1000));

    assertThat(parsed.get()).isEqualTo("two");
    assertThat(parses).hasValue(2);
  }

  @Test
  void keeps_a_failed_parse_until_the_file_changes_and_tries_a_failed_read_again() throws Exception {
    Path file = write("index", "corrupt");
    ParsedFile<String> parsed = new ParsedFile<>(file, () -> {
      String content = read(file);
      if (content.equals("corrupt")) {
        throw new IllegalStateException(file + ":1: corrupt index line");
      }
      return content;
    });

    assertThatThrownBy(parsed::get).hasMessageEndingWith(":1: corrupt index line");
    assertThatThrownBy(parsed::get).hasMessageEndingWith(":1: corrupt index line");
    assertThat(parses).hasValue(1);
    AtomicFiles.writeString(file, "fixed", Visibility.PUBLIC, Existing.REPLACE);

    assertThat(parsed.get()).isEqualTo("fixed");
    assertThat(parses).hasValue(2);
  }

  @Test
  void says_what_an_absent_file_means_until_it_appears() throws Exception {
    Path file = dir.resolve("root-index");
    ParsedFile<String> parsed = new ParsedFile<>(file, () -> Files.exists(file) ? read(file) : "absent");

    assertThat(parsed.get()).isEqualTo("absent");
    write("root-index", "present");

    assertThat(parsed.get()).isEqualTo("present");
  }

  @Test
  void tries_again_a_read_that_failed() throws Exception {
    Path file = dir.resolve("missing");
    ParsedFile<String> parsed = new ParsedFile<>(file, () -> read(file));

    assertThatThrownBy(parsed::get).isInstanceOf(UncheckedIOException.class);
    assertThatThrownBy(parsed::get).isInstanceOf(UncheckedIOException.class);

    assertThat(parses).hasValue(2);
  }

  private Path write(String name, String content) throws IOException {
    return Files.writeString(dir.resolve(name), content);
  }

  private String read(Path file) {
    parses.incrementAndGet();
    try {
      return Files.readString(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
