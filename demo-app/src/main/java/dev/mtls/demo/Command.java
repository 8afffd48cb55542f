package dev.mtls.demo;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A command a learner could type, word by word; a {@link Shell} writes it for theirs. Paths stay paths until then, so
 * that each shell can write them in its own form.
 */
final class Command {
  /** One word of a command: a path, or text as it is. */
  record Word(String text, Path path) {
    boolean isPath() {
      return path != null;
    }
  }

  private final List<Word> words = new ArrayList<>();

  private Command() {}

  /** A command starting with these words, e.g. {@code curl -s}. */
  static Command of(String... words) {
    return new Command().add(words);
  }

  /** {@code java -jar JAR}. */
  static Command java(Path jar) {
    return of("java", "-jar").add(jar);
  }

  /** Adds these words as they are. */
  Command add(String... more) {
    for (String word : more) {
      words.add(new Word(Objects.requireNonNull(word, "word == null"), null));
    }
    return this;
  }

  /** Adds a path, written as the shell writes paths. */
  Command add(Path path) {
    words.add(new Word(null, Objects.requireNonNull(path, "path == null")));
    return this;
  }

  /** Adds an option and its path. */
  Command add(String option, Path path) {
    return add(option).add(path);
  }

  /** The first word: the program it runs. */
  String program() {
    return words.get(0).text();
  }

  List<Word> words() {
    return List.copyOf(words);
  }
}
