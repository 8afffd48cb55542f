package dev.mtls.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.jar.JarFile;
import org.junit.jupiter.api.Test;

/** What a service copies or depends on: the library jar holds the library and nothing an application chooses. */
class LibraryJarIT {
  @Test
  void the_library_jar_has_no_logging_backend_no_cli_and_no_demo() throws Exception {
    List<String> entries = new ArrayList<>();
    try (JarFile jar = new JarFile(libraryJar().toFile())) {
      Collections.list(jar.entries()).forEach(entry -> entries.add(entry.getName()));
    }

    assertThat(entries).contains("dev/mtls/server/MtlsServer.class", "dev/mtls/server/Caller.class");
    assertThat(entries).noneMatch(name -> name.startsWith("ch/qos/") || name.startsWith("picocli/")
        || name.startsWith("dev/mtls/server/app/") || name.equals("logback.xml") || name.endsWith("logback.xml")
        || name.contains("Endpoints") || name.contains("Demo"));
  }

  private static Path libraryJar() throws Exception {
    try (DirectoryStream<Path> jars = Files.newDirectoryStream(Path.of("target"), "mtls-server-*.jar")) {
      for (Path jar : jars) {
        if (!jar.getFileName().toString().contains("tests")) {
          return jar;
        }
      }
    }
    throw new AssertionError("no library jar in target/: run the package phase first");
  }
}
