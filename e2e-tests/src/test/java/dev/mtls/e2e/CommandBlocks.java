package dev.mtls.e2e;

import dev.mtls.testing.peers.Peer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The commands a document shows, as a reader would type them: every fenced block whose language is {@code bash}.
 * Words after the language say how a test runs the block (a renderer shows only the language):
 *
 * <ul>
 *   <li>{@code background}: it keeps running (a server); the next blocks run beside it, and it is stopped at the end;
 *   <li>{@code ready=PORT}: the next block waits until 127.0.0.1:PORT accepts connections;
 *   <li>{@code requires=curl,openssl}: the third-party programs it runs (see {@link Peer});
 *   <li>{@code no-run=REASON}: it is not run by the test, for the reason given (the test command itself).
 * </ul>
 */
record CommandBlocks(Path document, List<Block> blocks) {
  private static final Pattern FENCE = Pattern.compile("^( *)```bash(.*)$");

  /** One block: where it starts, its commands, and how to run it. */
  record Block(int line, String commands, boolean background, Integer readyPort, String noRun) {}

  static CommandBlocks of(Path document) {
    List<String> lines;
    try {
      lines = Files.readAllLines(document);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    List<Block> blocks = new ArrayList<>();
    for (int i = 0; i < lines.size(); i++) {
      Matcher fence = FENCE.matcher(lines.get(i));
      if (!fence.matches()) {
        continue;
      }
      String indent = fence.group(1);
      StringBuilder commands = new StringBuilder();
      int start = i + 1;
      for (i++; i < lines.size() && !lines.get(i).strip().equals("```"); i++) {
        String line = lines.get(i);
        commands.append(line.startsWith(indent) ? line.substring(indent.length()) : line.strip()).append('\n');
      }
      blocks.add(block(start, commands.toString(), fence.group(2).strip()));
    }
    return new CommandBlocks(document, List.copyOf(blocks));
  }

  private static Block block(int line, String commands, String words) {
    boolean background = false;
    Integer ready = null;
    String noRun = null;
    for (String word : words.isEmpty() ? new String[0] : words.split("\\s+")) {
      if (word.equals("background")) {
        background = true;
      } else if (word.startsWith("ready=")) {
        ready = Integer.valueOf(word.substring(6));
      } else if (word.startsWith("no-run=")) {
        noRun = word.substring(7);
      } else if (!word.startsWith("requires=")) {
        throw new IllegalArgumentException("line " + line + ": unknown word '" + word + "' after ```bash");
      }
    }
    return new Block(line, commands, background, ready, noRun);
  }

  /** The peers every block of the document needs, from its {@code requires=} words. */
  static Set<Peer> requiredPeers(Path document) {
    Set<Peer> peers = new LinkedHashSet<>();
    Matcher requires = Pattern.compile("```bash.*requires=([a-z0-9_,-]+)")
        .matcher(read(document));
    while (requires.find()) {
      for (String name : requires.group(1).split(",")) {
        peers.add(Peer.valueOf(name.toUpperCase(Locale.ROOT).replace('-', '_')));
      }
    }
    return peers;
  }

  /** A bash script that runs the blocks in order, from the repository root, failing at the first failure. */
  String script(Path logs) {
    StringBuilder script = new StringBuilder("""
        set -euo pipefail
        shopt -s expand_aliases
        trap 'jobs -p | xargs -r kill 2>/dev/null; wait 2>/dev/null' EXIT
        ready() { for _ in $(seq 1 600); do (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0; sleep 0.1; done; \
        echo "nothing listens on 127.0.0.1:$1 after 60 s" >&2; return 1; }
        """);
    int background = 0;
    for (Block block : blocks) {
      if (block.noRun() != null) {
        continue;
      }
      script.append("echo '### ").append(document.getFileName()).append(':').append(block.line()).append("' >&2\n");
      if (block.background()) {
        Path log = logs.resolve("background-" + ++background + ".log");
        script.append("(\n").append(block.commands()).append(") > '").append(log).append("' 2>&1 &\n");
      } else {
        script.append(block.commands());
      }
      if (block.readyPort() != null) {
        script.append("ready ").append(block.readyPort()).append('\n');
      }
    }
    return script.toString();
  }

  private static String read(Path document) {
    try {
      return Files.readString(document);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
