package dev.mtls.demo;

import java.io.PrintWriter;
import java.nio.file.Path;

/**
 * The demo's output, as a learner reads it: numbered steps, the command that does each by hand (after the shell's
 * prompt, in the shell's form), and what happened, indented under it.
 */
final class Console {
  private static final String INDENT = "   ";

  private final PrintWriter out;
  private final Shell shell;
  private boolean started;

  Console(PrintWriter out, Shell shell) {
    this.out = out;
    this.shell = shell;
  }

  Shell shell() {
    return shell;
  }

  /** {@code path} as the learner's shell writes it. */
  String path(Path path) {
    return shell.path(path);
  }

  /** A heading: {@code == 3. The server: ...}, after a blank line unless it is the first. */
  void step(String heading) {
    if (started) {
      out.println();
    }
    started = true;
    out.println("== " + heading);
    out.flush();
  }

  /** A command to run by hand, after the prompt. */
  void command(Command command) {
    line(shell.prompt() + shell.render(command));
  }

  void blank() {
    out.println();
  }

  /** One indented line; {@code text} may hold several, each indented. */
  void line(String text) {
    text.lines().forEach(line -> out.println(line.isEmpty() ? "" : INDENT + line));
    out.flush();
  }
}
