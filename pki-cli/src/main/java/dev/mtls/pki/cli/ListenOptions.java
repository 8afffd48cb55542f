package dev.mtls.pki.cli;

import dev.mtls.pki.PublicationServer;
import picocli.CommandLine.Option;

/** Where a command that serves listens: this machine only, unless told otherwise. */
final class ListenOptions {
  @Option(names = "--host", paramLabel = "ADDRESS", defaultValue = "127.0.0.1",
      description = "Address to listen on (default: ${DEFAULT-VALUE}).")
  String host;

  @Option(names = "--port", paramLabel = "PORT", defaultValue = "8081",
      description = "Port to listen on; 0 picks a free one (default: ${DEFAULT-VALUE}).")
  int port;

  /** A server that will listen there. */
  PublicationServer.Builder server() {
    return PublicationServer.builder().host(host).port(port);
  }
}
