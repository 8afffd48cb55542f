package dev.mtls.testing.tls;

import dev.mtls.testing.peers.FreePort;
import dev.mtls.testing.peers.Peer;
import dev.mtls.testing.pki.Issued;
import dev.mtls.testing.pki.Pems;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * {@code openssl s_server -Verify 1 -verify_return_error -www} on 127.0.0.1: a third-party mTLS server that
 * requires a client certificate and names its reason in the alert. Started on a free port (tried again if the port
 * was taken meanwhile) and ended by its own process handle. What it prints about each connection (errors, the
 * alert a client sent it) is kept: {@link #output()}. Declare {@code @RequiresPeer(Peer.OPENSSL)}.
 */
public final class OpensslServer implements AutoCloseable {
  private final Process process;
  private final int port;
  private final StringBuffer output = new StringBuffer();

  private OpensslServer(Process process, int port) {
    this.process = process;
    this.port = port;
  }

  /**
   * {@code arguments} are the certificate options ({@code -cert}, {@code -key}, {@code -CAfile} ...); the
   * protocol is {@code TLSv1.3} or {@code TLSv1.2}.
   */
  public static OpensslServer start(String protocol, List<String> arguments, Path workDirectory)
      throws IOException, InterruptedException {
    IOException last = null;
    for (int attempt = 0; attempt < 5; attempt++) {
      int port = FreePort.pick();
      List<String> command = new ArrayList<>(List.of(Peer.OPENSSL.path(), "s_server", "-accept", "127.0.0.1:" + port,
          "-Verify", "1", "-verify_return_error", "-www", protocol.equals("TLSv1.3") ? "-tls1_3" : "-tls1_2"));
      command.addAll(arguments);
      Process process = new ProcessBuilder(command).directory(workDirectory.toFile()).redirectErrorStream(true)
          .start();
      BufferedReader output = new BufferedReader(new InputStreamReader(process.getInputStream(),
          StandardCharsets.UTF_8));
      StringBuilder seen = new StringBuilder();
      for (String line = output.readLine(); line != null; line = output.readLine()) {
        seen.append(line).append('\n');
        if (line.equals("ACCEPT")) {
          OpensslServer server = new OpensslServer(process, port);
          Thread drain = new Thread(() -> server.keep(output), "openssl-output");
          drain.setDaemon(true);
          drain.start();
          return server;
        }
      }
      process.waitFor(5, TimeUnit.SECONDS);
      last = new IOException("openssl s_server did not start: " + seen);
      if (!seen.toString().contains("in use")) {
        break;
      }
    }
    throw last;
  }

  /**
   * Serves as {@code certificate} (with the rest of its chain), asking for a client certificate below
   * {@code clientRoot}; the PEM files go to {@code directory}, {@code extra} options after them.
   */
  public static OpensslServer serving(String protocol, Issued certificate, X509Certificate clientRoot,
      Path directory, String... extra) throws IOException, InterruptedException {
    List<X509Certificate> chain = certificate.chain();
    Path cert = Files.writeString(directory.resolve("server.pem"), Pems.of(chain.get(0)));
    Path key = Files.writeString(directory.resolve("server-key.pem"), Pems.of(certificate.privateKey()));
    Path ca = Files.writeString(directory.resolve("client-root.pem"), Pems.of(clientRoot));
    List<String> arguments = new ArrayList<>(List.of("-cert", cert.toString(), "-key", key.toString(),
        "-CAfile", ca.toString()));
    if (chain.size() > 1) {
      Path intermediates = Files.writeString(directory.resolve("server-intermediates.pem"),
          Pems.of(chain.subList(1, chain.size())));
      arguments.addAll(List.of("-cert_chain", intermediates.toString()));
    }
    arguments.addAll(List.of(extra));
    return start(protocol, arguments, directory);
  }

  public int port() {
    return port;
  }

  public String url(String host) {
    return "https://" + host + ":" + port + "/";
  }

  @Override
  public void close() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(5, TimeUnit.SECONDS)) {
      process.destroyForcibly();
    }
  }

  /**
   * What openssl printed since it started accepting: for a handshake a client ended with an alert, a line like
   * {@code ...:sslv3 alert certificate revoked:...:SSL alert number 44}.
   */
  public String output() {
    return output.toString();
  }

  private void keep(BufferedReader lines) {
    try {
      for (String line = lines.readLine(); line != null; line = lines.readLine()) {
        output.append(line).append('\n');
      }
    } catch (IOException e) {
      // the process ended
    }
  }
}
