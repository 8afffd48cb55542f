package dev.mtls.pki.internal.store;

import dev.mtls.pki.material.AtomicFiles;
import dev.mtls.pki.material.AtomicFiles.Existing;
import dev.mtls.pki.material.AtomicFiles.Visibility;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;

/**
 * A CA index file in the spirit of {@code openssl ca}'s index.txt: a {@code #} header, then one record a line in
 * tab-separated fields. Fields are escaped (backslash, tab, newline, carriage return), so a record keeps to its line
 * whatever it holds: subjects come from CSRs, chosen by whoever asks.
 */
public final class IndexFile {
  private IndexFile() {}

  /**
   * The records of {@code file}, each made by {@code parse} from its {@code fields} unescaped fields. A line that
   * does not parse fails the whole read, naming the file and the line.
   */
  public static <T> List<T> read(Path file, int fields, Function<List<String>, T> parse) {
    List<String> lines;
    try {
      lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(file + ": cannot read: " + e.getMessage(), e);
    }
    List<T> records = new ArrayList<>();
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i);
      if (line.isBlank() || line.startsWith("#")) {
        continue;
      }
      String[] split = line.split("\t", -1);
      try {
        if (split.length != fields) {
          throw new IllegalArgumentException("expected " + fields + " tab-separated fields, found " + split.length);
        }
        records.add(parse.apply(Arrays.stream(split).map(IndexFile::unescape).toList()));
      } catch (RuntimeException e) {
        throw new IllegalStateException(file + ":" + (i + 1) + ": corrupt index line: " + e.getMessage()
            + "; fix or restore the line (nothing was changed)", e);
      }
    }
    return records;
  }

  /** Writes {@code records} to {@code file} under {@code header}, each as the fields {@code format} gives. */
  public static <T> void write(Path file, String header, List<T> records, Function<T, List<String>> format,
      Existing existing) {
    StringBuilder out = new StringBuilder(header).append('\n');
    for (T record : records) {
      out.append(String.join("\t", format.apply(record).stream().map(IndexFile::escape).toList())).append('\n');
    }
    AtomicFiles.writeString(file, out.toString(), Visibility.PUBLIC, existing);
  }

  private static String escape(String field) {
    return field.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r");
  }

  private static String unescape(String field) {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < field.length(); i++) {
      char c = field.charAt(i);
      if (c == '\\' && i + 1 < field.length()) {
        char next = field.charAt(++i);
        out.append(switch (next) {
          case 't' -> '\t';
          case 'n' -> '\n';
          case 'r' -> '\r';
          default -> next;
        });
      } else {
        out.append(c);
      }
    }
    return out.toString();
  }
}
