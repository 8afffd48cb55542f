package dev.mtls.server.internal.identity;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mtls.testing.ClearError;
import dev.mtls.testing.ParserFuzzTest;
import java.nio.charset.StandardCharsets;

/**
 * Whatever a proxy forwards in {@code Client-Cert} and {@code Client-Cert-Chain}, reading it gives certificates, the
 * leaf first, or {@link ForwardedCertificates.Unreadable} naming the header and what is wrong: no other exception, no
 * hang. An input is the two header values as a server sees them (ISO-8859-1), {@code Client-Cert} up to the first
 * line feed (which no header value holds) and {@code Client-Cert-Chain} after it, if there is one.
 */
class ForwardedCertificatesFuzzTest {
  @ParserFuzzTest
  void reads_or_refuses_any_forwarded_certificate_header(byte[] input) throws Exception {
    String headers = new String(input, StandardCharsets.ISO_8859_1);
    int split = headers.indexOf('\n');
    String clientCert = split < 0 ? headers : headers.substring(0, split);
    String chain = split < 0 ? null : headers.substring(split + 1);
    ClearError.readsOrRefuses(ForwardedCertificates.Unreadable.class, "Client-Cert",
        () -> assertThat(ForwardedCertificates.read(clientCert, chain)).isNotEmpty());
  }
}
