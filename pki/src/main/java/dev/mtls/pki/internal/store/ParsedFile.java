package dev.mtls.pki.internal.store;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * What a file says, parsed once per version of the file rather than at every question: each {@link #get} looks at
 * the file's identity, modification time and size (one {@code stat}) and parses again only when one of them changed,
 * so a change another process makes (an atomic replace is a new file) is seen by the next question. A parse that
 * fails on the file's content is kept as well, and thrown again, until the file changes; one that fails to read it
 * (an {@link UncheckedIOException}) is tried again at the next question.
 *
 * @param <T> what the file is parsed into; immutable, since every caller shares it
 */
public final class ParsedFile<T> {
  private final Path file;
  private final Supplier<T> parse;
  private volatile Parsed<T> last;

  /** {@code parse} reads {@code file}, or says what its absence means. */
  public ParsedFile(Path file, Supplier<T> parse) {
    this.file = Objects.requireNonNull(file, "file == null");
    this.parse = Objects.requireNonNull(parse, "parse == null");
  }

  /** What the file says now; parsed at most once per version, however many threads ask at once. */
  public T get() {
    Stamp now = Stamp.of(file);
    Parsed<T> seen = last;
    if (seen == null || !seen.stamp().equals(now)) {
      synchronized (this) {
        seen = last;
        if (seen == null || !seen.stamp().equals(now)) {
          // Stamped before reading: a change made while parsing gives a new stamp, so it is read at the next get.
          seen = Parsed.of(now, parse);
          last = seen;
        }
      }
    }
    return seen.value();
  }

  /** A version of a file: a file replaced atomically has another identity (inode) even at the same time and size. */
  private record Stamp(Object identity, FileTime modified, long size) {
    private static final Stamp ABSENT = new Stamp("absent", FileTime.fromMillis(0), -1);

    static Stamp of(Path file) {
      try {
        BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
        return new Stamp(attributes.fileKey(), attributes.lastModifiedTime(), attributes.size());
      } catch (NoSuchFileException e) {
        return ABSENT;
      } catch (IOException e) {
        // Cannot tell its version: never equal to another, so each get reads again and reports what is wrong.
        return new Stamp(new Object(), FileTime.fromMillis(0), -1);
      }
    }
  }

  private record Parsed<T>(Stamp stamp, T value, RuntimeException failure) {
    static <T> Parsed<T> of(Stamp stamp, Supplier<T> parse) {
      try {
        return new Parsed<>(stamp, parse.get(), null);
      } catch (UncheckedIOException e) {
        throw e;
      } catch (RuntimeException e) {
        return new Parsed<>(stamp, null, e);
      }
    }

    @Override
    public T value() {
      if (failure != null) {
        throw failure;
      }
      return value;
    }
  }
}
