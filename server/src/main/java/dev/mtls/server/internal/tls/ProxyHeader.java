package dev.mtls.server.internal.tls;

import dev.mtls.pki.material.SafeText;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * The PROXY protocol header a balancer puts before a connection's first byte, version 1 (a text line) or 2
 * (binary), read exactly as the specification writes it (haproxy.org, doc/proxy-protocol.txt): "any sequence
 * which does not exactly match the protocol must be discarded and cause the receiver to abort the connection".
 * Its addresses become the client's for the access log, the events and the per-address limit, so nothing loose is
 * read into them: a v1 IPv4 address is four decimal numbers 0-255 without heading zeroes, an IPv6 address eight
 * groups of hex digits (one {@code ::}, an IPv4 tail allowed), ports 0-65535 without heading zeroes, fields
 * separated by exactly one space, and the line ends with CRLF within 107 bytes; a v2 header has version 2, a
 * defined command and family, and at least the address bytes its family needs.
 *
 * <p>{@link #parse} is a pure function of the bytes, so it can be tested and fuzzed on its own: it reads at most
 * {@link #MAX_LENGTH} bytes, never changes the buffer, and answers any input with one of three results.
 */
public final class ProxyHeader {
  /** The longest v1 line the specification allows, CRLF included. */
  public static final int MAX_V1_LENGTH = 107;
  /**
   * The longest header read: a v2 header's 16 fixed bytes and up to 4,080 bytes of addresses and TLVs (what
   * balancers send is far shorter: HAProxy's SSL and unique-id TLVs, a cloud's endpoint id). A longer one is refused.
   */
  public static final int MAX_LENGTH = 4096;

  private static final byte[] V1_SIGNATURE = "PROXY ".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] V2_SIGNATURE = {0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A};
  private static final Incomplete INCOMPLETE = new Incomplete();

  private ProxyHeader() {}

  /** What the first bytes of a connection are. */
  public sealed interface Result permits Complete, Incomplete, Invalid {}

  /**
   * A whole, valid header of {@code length} bytes; the connection's own bytes follow it.
   *
   * @param version     1 or 2
   * @param length      how many bytes the header took
   * @param source      the client the header names, or null when it names none (v1 {@code UNKNOWN}, v2
   *                    {@code LOCAL}, or a v2 family other than TCP over IPv4 or IPv6): then the connection's
   *                    own endpoints stand, as the specification says
   * @param destination the address the client connected to, null exactly when {@code source} is
   */
  public record Complete(int version, int length, InetSocketAddress source, InetSocketAddress destination)
      implements Result {
    /** Whether the header names a client (otherwise the connection is the balancer's own, e.g. a health check). */
    public boolean namesClient() {
      return source != null;
    }
  }

  /** A valid beginning of a header: read more bytes and parse again from the start. */
  public record Incomplete() implements Result {}

  /** Bytes no valid header starts with: the connection must be closed. {@code detail} is escaped. */
  public record Invalid(Problem problem, String detail) implements Result {}

  /** Why a header is invalid. */
  public enum Problem {
    /** The bytes start with neither version's signature: there is no header (a TLS ClientHello, say). */
    NO_HEADER,
    /** No end within the limit: 107 bytes for v1, {@link #MAX_LENGTH} for v2. */
    TOO_LONG,
    /** Not in the specification's format: the line's fields, its end, a v2 version, command or family. */
    MALFORMED,
    /** An address not written as its family's canonical format requires, or of the other family. */
    BAD_ADDRESS,
    /** A port outside 0-65535 or written with heading zeroes. */
    BAD_PORT,
    /** A v2 address block shorter than its family's addresses and ports. */
    BAD_LENGTH
  }

  /** Parses the header at the start of {@code bytes} (position to limit), without changing the buffer. */
  public static Result parse(ByteBuffer bytes) {
    ByteBuffer in = bytes.slice();
    if (!in.hasRemaining()) {
      return INCOMPLETE;
    }
    if (in.get(0) == V1_SIGNATURE[0]) {
      return v1(in);
    }
    if (in.get(0) == V2_SIGNATURE[0]) {
      return v2(in);
    }
    return new Invalid(Problem.NO_HEADER, (in.get(0) == 0x16 ? "the connection starts with a TLS handshake"
        : "the connection starts with byte " + hex(in.get(0))) + ", not a PROXY protocol header");
  }

  private static Result v1(ByteBuffer in) {
    int available = Math.min(in.remaining(), MAX_V1_LENGTH);
    for (int i = 0; i < available; i++) {
      int c = in.get(i) & 0xff;
      if (i < V1_SIGNATURE.length) {
        if (c != V1_SIGNATURE[i]) {
          return new Invalid(Problem.NO_HEADER, "the connection starts with neither PROXY protocol signature");
        }
      } else if (c == '\r') {
        if (i + 2 > MAX_V1_LENGTH) {
          break;
        }
        if (i + 1 == in.remaining()) {
          return INCOMPLETE;
        }
        if (in.get(i + 1) != '\n') {
          return new Invalid(Problem.MALFORMED, "the v1 line has a CR without LF at byte " + i);
        }
        return v1Line(new String(bytes(in, i), StandardCharsets.US_ASCII), i + 2);
      } else if (c == '\n') {
        return new Invalid(Problem.MALFORMED, "the v1 line ends with LF alone at byte " + i + " (CRLF is required)");
      } else if (c < 0x20 || c > 0x7e) {
        return new Invalid(Problem.MALFORMED, "the v1 line has byte " + hex((byte) c) + " at " + i
            + " (only printable US-ASCII is allowed)");
      }
    }
    return in.remaining() < MAX_V1_LENGTH ? INCOMPLETE
        : new Invalid(Problem.TOO_LONG, "the v1 line has no CRLF within " + MAX_V1_LENGTH + " bytes");
  }

  private static Result v1Line(String line, int length) {
    String[] fields = line.split(" ", -1);
    if (fields.length >= 2 && fields[1].equals("UNKNOWN")) {
      // "the receiver must ignore anything presented before the CRLF" and use the connection's own endpoints
      return new Complete(1, length, null, null);
    }
    boolean ipv4 = fields.length > 1 && fields[1].equals("TCP4");
    if (fields.length != 6 || !ipv4 && !fields[1].equals("TCP6")) {
      return new Invalid(Problem.MALFORMED, "\"" + SafeText.escape(line) + "\" is not \"PROXY TCP4|TCP6 SOURCE"
          + " DESTINATION SOURCE-PORT DESTINATION-PORT\" with one space between fields");
    }
    byte[] source = ipv4 ? ipv4(fields[2]) : ipv6(fields[2]);
    byte[] destination = ipv4 ? ipv4(fields[3]) : ipv6(fields[3]);
    for (int i = 0; i < 2; i++) {
      if ((i == 0 ? source : destination) == null) {
        return new Invalid(Problem.BAD_ADDRESS, "the " + (i == 0 ? "source" : "destination") + " address \""
            + SafeText.escape(fields[2 + i]) + "\" is not an " + (ipv4 ? "IPv4 address (four numbers 0-255, no"
            + " heading zeroes)" : "IPv6 address"));
      }
    }
    int sourcePort = port(fields[4]);
    int destinationPort = port(fields[5]);
    if (sourcePort < 0 || destinationPort < 0) {
      return new Invalid(Problem.BAD_PORT, "the " + (sourcePort < 0 ? "source" : "destination") + " port \""
          + SafeText.escape(fields[sourcePort < 0 ? 4 : 5]) + "\" is not a number 0-65535 without heading zeroes");
    }
    return new Complete(1, length, address(source, sourcePort), address(destination, destinationPort));
  }

  private static Result v2(ByteBuffer in) {
    for (int i = 0; i < Math.min(in.remaining(), V2_SIGNATURE.length); i++) {
      if (in.get(i) != V2_SIGNATURE[i]) {
        return new Invalid(Problem.NO_HEADER, "the connection starts with neither PROXY protocol signature");
      }
    }
    if (in.remaining() < 16) {
      return INCOMPLETE;
    }
    int versionAndCommand = in.get(12) & 0xff;
    int family = in.get(13) & 0xff;
    int length = 16 + ((in.get(14) & 0xff) << 8 | in.get(15) & 0xff);
    if (versionAndCommand >> 4 != 2) {
      return new Invalid(Problem.MALFORMED, "v2 header with version " + (versionAndCommand >> 4) + " (only 2 is"
          + " defined)");
    }
    int command = versionAndCommand & 0x0f;
    if (command > 1) {
      return new Invalid(Problem.MALFORMED, "v2 header with command " + command + " (only LOCAL 0 and PROXY 1 are"
          + " defined)");
    }
    if (length > MAX_LENGTH) {
      return new Invalid(Problem.TOO_LONG, "v2 header of " + length + " bytes (at most " + MAX_LENGTH + " are read)");
    }
    if (in.remaining() < length) {
      return INCOMPLETE;
    }
    if (command == 0) {
      // LOCAL: the balancer's own connection (a health check); "the family ... is ignored".
      return new Complete(2, length, null, null);
    }
    int needed = switch (family) {
      case 0x00 -> 0; // UNSPEC
      case 0x11, 0x12 -> 12; // TCP or UDP over IPv4: two addresses of 4 bytes, two ports
      case 0x21, 0x22 -> 36; // ... over IPv6: 16-byte addresses
      case 0x31, 0x32 -> 216; // UNIX stream or datagram: two 108-byte paths
      default -> -1;
    };
    if (needed < 0) {
      return new Invalid(Problem.MALFORMED, "v2 header with address family and protocol " + hex((byte) family)
          + " (not defined)");
    }
    if (length - 16 < needed) {
      return new Invalid(Problem.BAD_LENGTH, "v2 header for family " + hex((byte) family) + " with " + (length - 16)
          + " address bytes (" + needed + " needed)");
    }
    if (family != 0x11 && family != 0x21) {
      // The specification lets a receiver fall back to the connection's own endpoints for what it does not serve.
      return new Complete(2, length, null, null);
    }
    int size = family == 0x11 ? 4 : 16;
    byte[] source = new byte[size];
    byte[] destination = new byte[size];
    in.get(16, source);
    in.get(16 + size, destination);
    int ports = 16 + 2 * size;
    return new Complete(2, length, address(source, unsignedShort(in, ports)),
        address(destination, unsignedShort(in, ports + 2)));
  }

  /** Four decimal numbers 0-255 separated by single dots, none with a heading zero; null otherwise. */
  static byte[] ipv4(String text) {
    String[] parts = text.split("\\.", -1);
    if (parts.length != 4) {
      return null;
    }
    byte[] address = new byte[4];
    for (int i = 0; i < 4; i++) {
      int value = decimal(parts[i], 3);
      if (value < 0 || value > 255) {
        return null;
      }
      address[i] = (byte) value;
    }
    return address;
  }

  /**
   * Eight groups of one to four hex digits separated by colons, at most one {@code ::} standing for one or more
   * zero groups, and optionally an IPv4 address as the last two groups ({@code ::ffff:192.0.2.1}, as inet_ntop
   * writes a mapped address); no zone, no brackets. Null otherwise.
   */
  static byte[] ipv6(String text) {
    if (text.length() > 45) {
      return null;
    }
    String groups = text;
    int lastColon = text.lastIndexOf(':');
    byte[] tail = null;
    if (text.indexOf('.') >= 0) {
      tail = lastColon < 0 ? null : ipv4(text.substring(lastColon + 1));
      if (tail == null) {
        return null;
      }
      groups = text.substring(0, lastColon + 1) + "0:0";
    }
    int gap = groups.indexOf("::");
    if (gap >= 0 && groups.indexOf("::", gap + 1) >= 0) {
      return null;
    }
    String[] head = split(gap < 0 ? groups : groups.substring(0, gap));
    String[] rest = gap < 0 ? new String[0] : split(groups.substring(gap + 2));
    if (head == null || rest == null || (gap < 0 ? head.length != 8 : head.length + rest.length > 7)) {
      return null;
    }
    byte[] address = new byte[16];
    for (int i = 0; i < head.length + rest.length; i++) {
      int value = hexGroup(i < head.length ? head[i] : rest[i - head.length]);
      if (value < 0) {
        return null;
      }
      int group = i < head.length ? i : 8 - rest.length + (i - head.length);
      address[2 * group] = (byte) (value >> 8);
      address[2 * group + 1] = (byte) value;
    }
    if (tail != null) {
      System.arraycopy(tail, 0, address, 12, 4);
    }
    return address;
  }

  /** A decimal 0-65535 without heading zeroes; -1 otherwise. */
  static int port(String text) {
    int value = decimal(text, 5);
    return value > 65535 ? -1 : value;
  }

  /** One to {@code maxDigits} decimal digits, no heading zero unless the number is 0; -1 otherwise. */
  private static int decimal(String text, int maxDigits) {
    if (text.isEmpty() || text.length() > maxDigits || text.length() > 1 && text.charAt(0) == '0') {
      return -1;
    }
    int value = 0;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c < '0' || c > '9') {
        return -1;
      }
      value = value * 10 + (c - '0');
    }
    return value;
  }

  /** The colon-separated groups of {@code text} ("" has none), or null when one is empty. */
  private static String[] split(String text) {
    if (text.isEmpty()) {
      return new String[0];
    }
    String[] parts = text.split(":", -1);
    for (String part : parts) {
      if (part.isEmpty()) {
        return null;
      }
    }
    return parts;
  }

  private static int hexGroup(String text) {
    if (text.length() > 4) {
      return -1;
    }
    int value = 0;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      int digit = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10
          : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
      if (digit < 0) {
        return -1;
      }
      value = value << 4 | digit;
    }
    return value;
  }

  private static InetSocketAddress address(byte[] address, int port) {
    try {
      return new InetSocketAddress(InetAddress.getByAddress(address), port);
    } catch (UnknownHostException e) {
      throw new IllegalStateException("an address of " + address.length + " bytes", e);
    }
  }

  private static byte[] bytes(ByteBuffer in, int length) {
    byte[] bytes = new byte[length];
    in.get(0, bytes);
    return bytes;
  }

  private static int unsignedShort(ByteBuffer in, int index) {
    return (in.get(index) & 0xff) << 8 | in.get(index + 1) & 0xff;
  }

  private static String hex(byte b) {
    return String.format("0x%02x", b & 0xff);
  }
}
