package dev.mtls.demo;

import dev.mtls.client.MtlsClient;
import dev.mtls.client.MtlsClientBuilder;
import dev.mtls.pki.CredentialFiles;
import dev.mtls.pki.DemoPki;
import dev.mtls.pki.material.Identity;
import dev.mtls.pki.material.TrustAnchors;
import java.time.Duration;

/**
 * The client library as the command-line client uses it with {@code --cacert ROOT --cert NAME-chain.pem --key
 * NAME.key}: one client per demo identity, trusting the demo root for the server.
 */
final class DemoClients {
  private DemoClients() {}

  /**
   * A client presenting the certificate of the member named {@code name}, or none when null. With
   * {@code sendAnyway}, a certificate the client finds unusable itself (expired, revoked) is sent all the same
   * ({@code --no-preflight}), to show what the server makes of it.
   */
  static MtlsClientBuilder client(DemoPki pki, String name, boolean sendAnyway) {
    MtlsClientBuilder builder = MtlsClient.builder().trust(TrustAnchors.loadPem(pki.rootCertificate()))
        .reloadInterval(Duration.ZERO).enforcePreflight(!sendAnyway).userAgent("mtls-demo");
    if (name != null) {
      CredentialFiles files = pki.credentials(name);
      builder.identity(Identity.loadPem(files.chain(), files.key(), null));
    }
    return builder;
  }

  /** {@code java -jar mtls-client.jar}, then {@code options}, then the member's certificate, key and the root. */
  static Command command(Project project, DemoPki pki, String name, String... options) {
    CredentialFiles files = pki.credentials(name);
    return Command.java(project.clientJar()).add(options).add("--cert", files.chain()).add("--key", files.key())
        .add("--cacert", pki.rootCertificate());
  }
}
