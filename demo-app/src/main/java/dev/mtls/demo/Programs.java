package dev.mtls.demo;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/** Whether a program such as curl or openssl can be run by name: found on the PATH, as the shell would find it. */
final class Programs {
  private Programs() {}

  static boolean onPath(String program) {
    String path = System.getenv("PATH");
    if (path == null) {
      return false;
    }
    // Windows finds curl as curl.exe (PATHEXT); elsewhere the name is the file.
    List<String> suffixes = Shell.current() == Shell.WINDOWS
        ? List.of(System.getenv().getOrDefault("PATHEXT", ".COM;.EXE;.BAT;.CMD").toLowerCase(Locale.ROOT).split(";"))
        : List.of("");
    for (String directory : path.split(File.pathSeparator)) {
      for (String suffix : suffixes) {
        try {
          Path candidate = Path.of(directory, program + suffix);
          if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
            return true;
          }
        } catch (InvalidPathException e) {
          // A PATH entry that is not a path (quotes, stray characters) finds nothing.
        }
      }
    }
    return false;
  }
}
