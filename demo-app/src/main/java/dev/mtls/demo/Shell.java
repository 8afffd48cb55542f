package dev.mtls.demo;

import java.io.File;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * How a command is written for the learner's shell, so that it can be pasted as shown: paths in the system's form,
 * one line (no {@code \} continuations, which cmd and PowerShell do not understand), and double quotes only around an
 * argument that needs them (double quotes mean the same in bash, zsh, cmd and PowerShell).
 */
enum Shell {
  /** Linux and macOS: bash, zsh. */
  POSIX("$ ", "./mvnw"),
  /** Windows: cmd and PowerShell (which runs a file of the current directory only when named with {@code .\}). */
  WINDOWS("> ", ".\\mvnw.cmd");

  /** What needs no quotes in any of the shells. */
  private static final Pattern PLAIN = Pattern.compile("[A-Za-z0-9_./:\\\\=+-]+");

  private final String prompt;
  private final String mavenWrapper;

  Shell(String prompt, String mavenWrapper) {
    this.prompt = prompt;
    this.mavenWrapper = mavenWrapper;
  }

  /** The shell of the system this runs on. */
  static Shell current() {
    return File.separatorChar == '\\' ? WINDOWS : POSIX;
  }

  /** What the learner's prompt looks like: shown before a command, not part of it. */
  String prompt() {
    return prompt;
  }

  /** How this system runs the project's Maven wrapper from the project's directory. */
  String mavenWrapper() {
    return mavenWrapper;
  }

  /** {@code path} as this system writes it: backslashes on Windows. */
  String path(Path path) {
    String text = path.toString();
    return this == WINDOWS ? text.replace('/', '\\') : text;
  }

  /** {@code command} as one line to paste. */
  String render(Command command) {
    List<String> words = new ArrayList<>();
    for (Command.Word word : command.words()) {
      words.add(quote(word.isPath() ? path(word.path()) : word.text()));
    }
    if (this == WINDOWS && words.get(0).equals("curl")) {
      // Windows PowerShell 5 takes "curl" for its Invoke-WebRequest alias; curl.exe is curl in cmd too.
      words.set(0, "curl.exe");
    }
    return String.join(" ", words);
  }

  private static String quote(String word) {
    return PLAIN.matcher(word).matches() ? word : "\"" + word + "\"";
  }
}
