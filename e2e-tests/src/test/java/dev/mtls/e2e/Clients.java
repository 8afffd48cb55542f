package dev.mtls.e2e;

import dev.mtls.client.Diagnosis;
import dev.mtls.client.MtlsClient;
import dev.mtls.client.MtlsClientBuilder;
import dev.mtls.client.MtlsException;
import dev.mtls.client.MtlsResponse;
import dev.mtls.pki.material.Identity;
import dev.mtls.pki.material.TrustAnchors;
import dev.mtls.testing.pki.CastFiles;
import java.net.URI;
import java.time.Duration;
import java.util.List;

/** Builds {@link MtlsClient}s for the scenarios and runs one request through a fresh client (a new connection). */
final class Clients {
  private Clients() {}

  /**
   * A client trusting our root, with the PEM identity {@code name} (null: no identity), offering {@code protocol}
   * only (null: both), and sending its certificate even when its own pre-flight check would refuse it, so that the
   * server's verdict is what the test sees.
   */
  static MtlsClientBuilder builder(CastFiles pki, String name, String protocol) {
    MtlsClientBuilder builder = MtlsClient.builder()
        .trust(TrustAnchors.loadPem(pki.rootPem()))
        .enforcePreflight(false)
        .connectTimeout(Duration.ofSeconds(5))
        .handshakeTimeout(Duration.ofSeconds(10))
        .responseTimeout(Duration.ofSeconds(10));
    if (name != null) {
      CastFiles.Credential credential = pki.get(name);
      builder.identity(Identity.loadPem(credential.chain(), credential.key(), null));
    }
    if (protocol != null) {
      builder.protocols(List.of(protocol));
    }
    return builder;
  }

  /** One request from a fresh client; an {@link MtlsException} fails the test with its rendered diagnosis. */
  /** {@code credential} as the project's identity type. */
  static Identity identity(CastFiles.Credential credential) {
    return Identity.of(credential.issued().privateKey(), credential.issued().chain());
  }

  static MtlsResponse send(MtlsClientBuilder builder, String method, URI uri) {
    try (MtlsClient client = builder.build()) {
      return client.send(method, uri, null, null);
    } catch (MtlsException e) {
      throw new AssertionError("expected a response from " + uri + ", got: " + e.getDiagnosis().render(), e);
    }
  }

  static MtlsResponse get(CastFiles pki, String name, URI uri) {
    return send(builder(pki, name, null), "GET", uri);
  }

  /** One request from a fresh client that must fail; returns the client's diagnosis. */
  static Diagnosis refused(MtlsClientBuilder builder, String method, URI uri) {
    try (MtlsClient client = builder.build()) {
      MtlsResponse response = client.send(method, uri, null, null);
      throw new AssertionError("expected the request to " + uri + " to fail, but the server answered HTTP "
          + response.status() + ": " + response.bodyText());
    } catch (MtlsException e) {
      return e.getDiagnosis();
    }
  }

  static Diagnosis refused(CastFiles pki, String name, String protocol, URI uri) {
    return refused(builder(pki, name, protocol), "GET", uri);
  }
}
