package dev.mtls.pki.internal.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mtls.pki.material.AtomicFiles.Existing;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IndexFileTest {
  @TempDir Path dir;

  @Test
  void keeps_each_record_on_its_line_whatever_its_fields_hold() throws Exception {
    Path file = dir.resolve("index.tsv");
    List<List<String>> records = List.of(List.of("1", "CN=tab\there"), List.of("2", "CN=a\nV\tforged"),
        List.of("3", "CN=back\\slash\r"));

    IndexFile.write(file, "# n\tsubject", records, r -> r, Existing.REFUSE);

    assertThat(Files.readAllLines(file)).hasSize(4);
    assertThat(IndexFile.read(file, 2, fields -> fields)).isEqualTo(records);
  }

  @Test
  void a_line_that_does_not_parse_fails_the_read_naming_the_file_and_the_line() throws Exception {
    Path file = dir.resolve("index.tsv");
    Files.writeString(file, "# n\tsubject\n1\tCN=a\n\n2\tCN=b\textra\n");

    assertThatThrownBy(() -> IndexFile.read(file, 2, fields -> fields))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage(file + ":4: corrupt index line: expected 2 tab-separated fields, found 3; fix or restore the line"
            + " (nothing was changed)");
    assertThatThrownBy(() -> IndexFile.read(file, 3, fields -> Integer.parseInt(fields.get(1))))
        .hasMessageStartingWith(file + ":2: corrupt index line: expected 3 tab-separated fields, found 2");
    Files.writeString(file, "# n\tsubject\nx\tCN=a\n");
    assertThatThrownBy(() -> IndexFile.read(file, 2, fields -> Integer.parseInt(fields.get(0))))
        .hasMessage(file + ":2: corrupt index line: For input string: \"x\"; fix or restore the line (nothing was"
            + " changed)");
  }

  @Test
  void refuses_to_overwrite_an_index_unless_told_to() throws Exception {
    Path file = dir.resolve("index.tsv");
    IndexFile.write(file, "# n", List.of("1"), List::of, Existing.REFUSE);

    assertThatThrownBy(() -> IndexFile.write(file, "# n", List.of("2"), List::of, Existing.REFUSE))
        .hasMessageContaining("already exists");
    IndexFile.write(file, "# n", List.of("2"), List::of, Existing.REPLACE);
    assertThat(IndexFile.read(file, 1, fields -> fields.get(0))).containsExactly("2");
  }
}
