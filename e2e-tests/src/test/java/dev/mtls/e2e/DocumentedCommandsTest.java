package dev.mtls.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.mtls.testing.peers.ExternalProcess;
import dev.mtls.testing.peers.Jdk;
import dev.mtls.testing.peers.Peer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.parallel.Isolated;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every command the docs show works exactly as written: each document's {@code ```bash} blocks run in order, in one
 * shell, from the repository root, as a reader would type them (see {@link CommandBlocks} for the words that mark a
 * server left running or a block that is not run). The scratch directory the docs use, {@code work/}, starts empty.
 * Long: it starts the project's jars dozens of times, so it runs with {@code -Plong}, as CI does.
 */
@Tag("long")
@Isolated // Long and timed: nothing else runs beside it.
class DocumentedCommandsTest {
  private static final Path ROOT = Artifacts.basedir().resolve("..").normalize();
  private static final Duration PER_DOCUMENT = Duration.ofMinutes(5);

  @TempDir
  Path logs;

  static Stream<Path> documents() throws IOException {
    try (Stream<Path> docs = Files.walk(ROOT.resolve("docs"));
        Stream<Path> examples = Files.walk(ROOT.resolve("examples"))) {
      return Stream.concat(Stream.of(ROOT.resolve("README.md")), Stream.concat(docs, examples)
              .filter(path -> path.toString().endsWith(".md"))
              .filter(path -> !path.toString().contains("/target/"))
              .sorted(Comparator.naturalOrder()))
          .map(ROOT::relativize).toList().stream();
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("documents")
  void every_command_block_runs_as_written(Path document) throws IOException {
    CommandBlocks blocks = CommandBlocks.of(ROOT.resolve(document));
    assumeTrue(blocks.blocks().stream().anyMatch(block -> block.noRun() == null), "no command to run");
    Peer.assumeInstalled(CommandBlocks.requiredPeers(ROOT.resolve(document)));
    deleteRecursively(ROOT.resolve("work"));

    // The docs say "java": the JDK running these tests.
    String path = Jdk.java().getParent() + java.io.File.pathSeparator + System.getenv("PATH");
    ExternalProcess.Result result = ExternalProcess.run(List.of("bash", "-c", blocks.script(logs)),
        Map.of("PATH", path), null, ROOT, PER_DOCUMENT);

    assertThat(result.exitCode()).as("the commands of %s, run as written:%n%s%n(background logs in %s)", document,
        result.describe(), logs).isZero();
  }

  private static void deleteRecursively(Path directory) throws IOException {
    if (!Files.exists(directory)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(directory)) {
      for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(path);
      }
    }
  }
}
