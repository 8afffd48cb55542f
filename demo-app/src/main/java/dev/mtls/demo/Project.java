package dev.mtls.demo;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The mtls-reference directory the demo runs in: the server's example role and route rules it reads, and the jars of
 * the commands it shows. Relative to the working directory when given so, and then shown so.
 */
record Project(Path root) {
  Path pkiJar() {
    return root.resolve("pki-cli/target/mtls-pki.jar");
  }

  Path serverJar() {
    return root.resolve("server-app/target/mtls-server.jar");
  }

  Path clientJar() {
    return root.resolve("client-cli/target/mtls-client.jar");
  }

  Path roleRules() {
    return root.resolve("server-app/examples/roles.conf");
  }

  Path routeRules() {
    return root.resolve("server-app/examples/routes.conf");
  }

  /** Fails unless the example rules are here: the demo runs from the project's directory. */
  void requireExamples() {
    for (Path rules : new Path[] {roleRules(), routeRules()}) {
      if (!Files.isRegularFile(rules)) {
        throw new DemoException(rules + " not found: run the demo from the mtls-reference directory");
      }
    }
  }

  /** Whether the jars of the commands shown are built. */
  boolean jarsBuilt() {
    return Files.isRegularFile(pkiJar()) && Files.isRegularFile(serverJar()) && Files.isRegularFile(clientJar());
  }
}
