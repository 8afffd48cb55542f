package dev.mtls.server.internal.tls;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mtls.testing.ParserFuzzTest;
import java.nio.ByteBuffer;

/**
 * Whatever a balancer's address sends first, the PROXY header parser answers with a whole header, a valid beginning
 * or a typed problem with words: no exception, no hang, never a header longer than its limit or than the bytes, and
 * the caller's buffer untouched. An input is the first bytes of a connection.
 */
class ProxyHeaderFuzzTest {
  @ParserFuzzTest
  void reads_or_refuses_any_connection_start(byte[] input) {
    ByteBuffer bytes = ByteBuffer.wrap(input);
    ProxyHeader.Result result = ProxyHeader.parse(bytes);

    assertThat(bytes.position()).as("position").isZero();
    assertThat(bytes.limit()).as("limit").isEqualTo(input.length);
    if (result instanceof ProxyHeader.Complete header) {
      assertThat(header.length()).isPositive().isLessThanOrEqualTo(Math.min(input.length, ProxyHeader.MAX_LENGTH));
      assertThat(header.source() == null).isEqualTo(header.destination() == null);
    } else if (result instanceof ProxyHeader.Invalid invalid) {
      assertThat(invalid.problem()).isNotNull();
      assertThat(invalid.detail()).isNotBlank().doesNotContainPattern("\\p{Cntrl}");
    } else {
      assertThat(input.length).as("a valid beginning is shorter than the limit").isLessThan(ProxyHeader.MAX_LENGTH);
    }
  }
}
