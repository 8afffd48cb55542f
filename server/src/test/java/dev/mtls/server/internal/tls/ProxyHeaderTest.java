package dev.mtls.server.internal.tls;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The PROXY header parser on its own: what the specification allows, and every way to miss it. */
class ProxyHeaderTest {
  private static final byte[] V2_SIGNATURE = {0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A};

  @Test
  void reads_a_v1_header_and_leaves_the_bytes_after_it() {
    ByteBuffer bytes = ascii("PROXY TCP4 203.0.113.7 192.0.2.1 4242 443\r\n\u0016\u0003\u0001");

    ProxyHeader.Complete header = (ProxyHeader.Complete) ProxyHeader.parse(bytes);

    assertThat(header.version()).isEqualTo(1);
    assertThat(header.length()).isEqualTo(bytes.remaining() - 3);
    assertThat(header.source()).isEqualTo(new InetSocketAddress("203.0.113.7", 4242));
    assertThat(header.destination()).isEqualTo(new InetSocketAddress("192.0.2.1", 443));
    assertThat(bytes.position()).isZero();
  }

  @ParameterizedTest
  @CsvSource({
      "PROXY TCP6 2001:db8::7 ::1 65535 0, 2001:db8:0:0:0:0:0:7",
      "PROXY TCP6 2001:DB8:0:0:0:0:0:7 ::1 1 2, 2001:db8:0:0:0:0:0:7",
      "PROXY TCP6 ::ffff:192.0.2.9 ::1 1 2, 192.0.2.9",
      "PROXY TCP6 1:2:3:4:5:6:7:: ::1 1 2, 1:2:3:4:5:6:7:0",
      "PROXY TCP6 :: ::1 1 2, 0:0:0:0:0:0:0:0",
      "PROXY TCP4 0.0.0.0 255.255.255.255 0 65535, 0.0.0.0"})
  void reads_every_canonical_address_form(String line, String source) {
    ProxyHeader.Complete header = (ProxyHeader.Complete) ProxyHeader.parse(ascii(line + "\r\n"));

    assertThat(header.source().getAddress().getHostAddress()).isEqualTo(source);
  }

  @Test
  void takes_unknown_and_local_as_the_balancers_own_connection() {
    assertThat(complete(ascii("PROXY UNKNOWN\r\n")).namesClient()).isFalse();
    assertThat(complete(ascii("PROXY UNKNOWN ffff:f::f ffff:f::f 65535 65535\r\n")).namesClient()).isFalse();
    assertThat(complete(v2(0x20, 0x11, 12)).namesClient()).isFalse();
    assertThat(complete(v2(0x21, 0x00, 0)).namesClient()).isFalse();
    assertThat(complete(v2(0x21, 0x31, 216)).namesClient()).isFalse();
  }

  @Test
  void reads_a_v2_header_and_skips_its_tlvs() {
    ByteBuffer bytes = v2(0x21, 0x11, 12 + 7);
    bytes.put(16, new byte[] {(byte) 203, 0, 113, 7, (byte) 192, 0, 2, 1, 0x10, (byte) 0x92, 0x01, (byte) 0xbb});

    ProxyHeader.Complete header = complete(bytes);

    assertThat(header.version()).isEqualTo(2);
    assertThat(header.length()).isEqualTo(16 + 12 + 7);
    assertThat(header.source()).isEqualTo(new InetSocketAddress("203.0.113.7", 4242));
    assertThat(header.destination()).isEqualTo(new InetSocketAddress("192.0.2.1", 443));
  }

  @Test
  void asks_for_more_at_every_prefix_of_a_valid_header() {
    for (ByteBuffer whole : new ByteBuffer[] {ascii("PROXY TCP6 2001:db8::7 ::1 4242 443\r\n"), v2(0x21, 0x21, 36)}) {
      for (int length = 0; length < whole.remaining(); length++) {
        assertThat(ProxyHeader.parse(whole.duplicate().limit(length))).as("%d bytes", length)
            .isInstanceOf(ProxyHeader.Incomplete.class);
      }
      assertThat(ProxyHeader.parse(whole)).isInstanceOf(ProxyHeader.Complete.class);
    }
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "PROXY TCP4 999.1.1.1 192.0.2.1 1 2|BAD_ADDRESS",
      "PROXY TCP4 256.0.0.1 192.0.2.1 1 2|BAD_ADDRESS",
      "PROXY TCP4 1.2.3 192.0.2.1 1 2|BAD_ADDRESS",
      "PROXY TCP4 01.2.3.4 192.0.2.1 1 2|BAD_ADDRESS",
      "PROXY TCP4 1.2.3.4.5 192.0.2.1 1 2|BAD_ADDRESS",
      "PROXY TCP4 +1.2.3.4 192.0.2.1 1 2|BAD_ADDRESS",
      "PROXY TCP4 1.2.3.4 192.0.2.1000 1 2|BAD_ADDRESS",
      "PROXY TCP4 ::1 ::1 1 2|BAD_ADDRESS",
      "PROXY TCP6 192.0.2.1 ::1 1 2|BAD_ADDRESS",
      "PROXY TCP6 [::1] ::1 1 2|BAD_ADDRESS",
      "PROXY TCP6 fe80::1%eth0 ::1 1 2|BAD_ADDRESS",
      "PROXY TCP6 1::2::3 ::1 1 2|BAD_ADDRESS",
      "PROXY TCP6 ::: ::1 1 2|BAD_ADDRESS",
      "PROXY TCP6 1:2:3:4:5:6:7:8:9 ::1 1 2|BAD_ADDRESS",
      "PROXY TCP6 1:2:3:4:5:6:7 ::1 1 2|BAD_ADDRESS",
      "PROXY TCP6 12345::1 ::1 1 2|BAD_ADDRESS",
      "PROXY TCP6 g::1 ::1 1 2|BAD_ADDRESS",
      "PROXY TCP6 ::ffff:1.2.3.256 ::1 1 2|BAD_ADDRESS",
      "PROXY TCP4 1.2.3.4 192.0.2.1 65536 2|BAD_PORT",
      "PROXY TCP4 1.2.3.4 192.0.2.1 042 2|BAD_PORT",
      "PROXY TCP4 1.2.3.4 192.0.2.1 -1 2|BAD_PORT",
      "PROXY TCP4 1.2.3.4 192.0.2.1 1 2x|BAD_PORT",
      "PROXY TCP4 1.2.3.4  192.0.2.1 1 2|MALFORMED",
      "'PROXY TCP4 1.2.3.4 192.0.2.1 1 2 '|MALFORMED",
      "PROXY TCP4 1.2.3.4 192.0.2.1 1|MALFORMED",
      "PROXY UDP4 1.2.3.4 192.0.2.1 1 2|MALFORMED",
      "PROXY tcp4 1.2.3.4 192.0.2.1 1 2|MALFORMED",
      "PROXY UNKNOWNX|MALFORMED",
      "PROXY  UNKNOWN|MALFORMED"})
  void refuses_what_the_specification_does_not_write_exactly(String line, ProxyHeader.Problem problem) {
    assertThat(ProxyHeader.parse(ascii(line + "\r\n"))).isInstanceOfSatisfying(ProxyHeader.Invalid.class,
        invalid -> assertThat(invalid.problem()).as(invalid.detail()).isEqualTo(problem));
  }

  @ParameterizedTest
  @ValueSource(strings = {"PROXY TCP4 1.2.3.4 192.0.2.1 1 2\n", "PROXY TCP4 1.2.3.4 192.0.2.1 1 2\rX",
      "PROXY TCP4 1.2.3.4\t192.0.2.1 1 2\r\n", "PROXY TCP4 1.2.3.4 192.0.2.1 1 2\u0000\r\n"})
  void refuses_a_v1_line_with_a_stray_control_byte_at_once(String text) {
    assertThat(problem(ascii(text))).isEqualTo(ProxyHeader.Problem.MALFORMED);
  }

  @Test
  void refuses_a_connection_that_starts_with_something_else_at_its_first_bytes() {
    assertThat(problem(ByteBuffer.wrap(new byte[] {0x16, 0x03, 0x01}))).isEqualTo(ProxyHeader.Problem.NO_HEADER);
    assertThat(problem(ascii("GET / HTTP/1.1\r\n"))).isEqualTo(ProxyHeader.Problem.NO_HEADER);
    assertThat(problem(ascii("PROX\r"))).isEqualTo(ProxyHeader.Problem.NO_HEADER);
    assertThat(problem(ascii("\r\n\r\nGET"))).isEqualTo(ProxyHeader.Problem.NO_HEADER);
  }

  @Test
  void refuses_a_header_longer_than_the_limit_without_waiting_for_it() {
    byte[] line = new byte[ProxyHeader.MAX_V1_LENGTH];
    Arrays.fill(line, (byte) '1');
    System.arraycopy("PROXY UNKNOWN ".getBytes(StandardCharsets.US_ASCII), 0, line, 0, 14);
    assertThat(problem(ByteBuffer.wrap(line))).isEqualTo(ProxyHeader.Problem.TOO_LONG);
    line[ProxyHeader.MAX_V1_LENGTH - 1] = '\r';
    assertThat(problem(ByteBuffer.wrap(line))).isEqualTo(ProxyHeader.Problem.TOO_LONG);

    ByteBuffer huge = v2(0x21, 0x11, 0xffff).limit(16);
    assertThat(problem(huge)).isEqualTo(ProxyHeader.Problem.TOO_LONG);
  }

  @Test
  void refuses_a_v2_header_with_an_undefined_version_command_or_family_or_too_few_address_bytes() {
    assertThat(problem(v2(0x11, 0x11, 12))).isEqualTo(ProxyHeader.Problem.MALFORMED);
    assertThat(problem(v2(0x22, 0x11, 12))).isEqualTo(ProxyHeader.Problem.MALFORMED);
    assertThat(problem(v2(0x21, 0x13, 12))).isEqualTo(ProxyHeader.Problem.MALFORMED);
    assertThat(problem(v2(0x21, 0x41, 12))).isEqualTo(ProxyHeader.Problem.MALFORMED);
    assertThat(problem(v2(0x21, 0x11, 11))).isEqualTo(ProxyHeader.Problem.BAD_LENGTH);
    assertThat(problem(v2(0x21, 0x21, 12))).isEqualTo(ProxyHeader.Problem.BAD_LENGTH);
    assertThat(problem(v2(0x21, 0x31, 36))).isEqualTo(ProxyHeader.Problem.BAD_LENGTH);
  }

  /** A v2 header with {@code addressBytes} zero bytes after the fixed 16. */
  private static ByteBuffer v2(int versionAndCommand, int family, int addressBytes) {
    ByteBuffer header = ByteBuffer.allocate(16 + addressBytes);
    header.put(V2_SIGNATURE).put((byte) versionAndCommand).put((byte) family).putShort((short) addressBytes);
    return header.clear();
  }

  private static ByteBuffer ascii(String text) {
    return ByteBuffer.wrap(text.getBytes(StandardCharsets.ISO_8859_1));
  }

  private static ProxyHeader.Complete complete(ByteBuffer bytes) {
    ProxyHeader.Result result = ProxyHeader.parse(bytes);
    assertThat(result).isInstanceOf(ProxyHeader.Complete.class);
    return (ProxyHeader.Complete) result;
  }

  private static ProxyHeader.Problem problem(ByteBuffer bytes) {
    ProxyHeader.Result result = ProxyHeader.parse(bytes);
    assertThat(result).isInstanceOf(ProxyHeader.Invalid.class);
    return ((ProxyHeader.Invalid) result).problem();
  }
}
