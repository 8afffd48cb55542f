package dev.mtls.testing.h2;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Test only: HPACK (RFC 7541) header blocks written by hand, never compressed (no Huffman), so a test says exactly
 * what the server's decoder gets: literals, references into the tables, a dynamic table size update.
 *
 * <pre>{@code
 * byte[] block = Hpack.request("GET", "/whoami");
 * byte[] bomb = Hpack.concat(Hpack.indexedLiteral("x-big", "a".repeat(4000)), Hpack.repeat(Hpack.indexed(62), 1000));
 * }</pre>
 */
public final class Hpack {
  /** The first index of the dynamic table: the newest entry (the static table has 61). */
  public static final int NEWEST_DYNAMIC_ENTRY = 62;

  private Hpack() {}

  /** A request's pseudo-headers ({@code https}, authority {@code localhost}), then {@code extra} names and values. */
  public static byte[] request(String method, String path, String... extra) {
    ByteArrayOutputStream block = new ByteArrayOutputStream();
    block.writeBytes(literal(":method", method));
    block.writeBytes(literal(":scheme", "https"));
    block.writeBytes(literal(":path", path));
    block.writeBytes(literal(":authority", "localhost"));
    for (int i = 0; i + 1 < extra.length; i += 2) {
      block.writeBytes(literal(extra[i], extra[i + 1]));
    }
    return block.toByteArray();
  }

  /** A literal field without indexing, new name (section 6.2.2): the decoder keeps nothing of it. */
  public static byte[] literal(String name, String value) {
    ByteArrayOutputStream field = new ByteArrayOutputStream();
    field.write(0x00);
    string(field, name);
    string(field, value);
    return field.toByteArray();
  }

  /** A literal field with incremental indexing, new name (section 6.2.1): the decoder adds it to its table. */
  public static byte[] indexedLiteral(String name, String value) {
    ByteArrayOutputStream field = new ByteArrayOutputStream();
    field.write(0x40);
    string(field, name);
    string(field, value);
    return field.toByteArray();
  }

  /** A reference to table entry {@code index} (section 6.1): one or two bytes that decode to the whole entry. */
  public static byte[] indexed(int index) {
    ByteArrayOutputStream field = new ByteArrayOutputStream();
    integer(field, 0x80, 7, index);
    return field.toByteArray();
  }

  /** A dynamic table size update (section 6.3); only at the start of a header block. */
  public static byte[] tableSizeUpdate(int size) {
    ByteArrayOutputStream update = new ByteArrayOutputStream();
    integer(update, 0x20, 5, size);
    return update.toByteArray();
  }

  /** {@code part} {@code times} over. */
  public static byte[] repeat(byte[] part, int times) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(part.length * times);
    for (int i = 0; i < times; i++) {
      out.writeBytes(part);
    }
    return out.toByteArray();
  }

  public static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] part : parts) {
      out.writeBytes(part);
    }
    return out.toByteArray();
  }

  /** A string literal without Huffman coding (section 5.2). */
  private static void string(ByteArrayOutputStream out, String text) {
    byte[] bytes = text.getBytes(StandardCharsets.ISO_8859_1);
    integer(out, 0x00, 7, bytes.length);
    out.writeBytes(bytes);
  }

  /** An integer with an N-bit prefix (section 5.1), the first byte's other bits being {@code flags}. */
  private static void integer(ByteArrayOutputStream out, int flags, int prefixBits, int value) {
    int max = (1 << prefixBits) - 1;
    if (value < max) {
      out.write(flags | value);
      return;
    }
    out.write(flags | max);
    int rest = value - max;
    while (rest >= 0x80) {
      out.write((rest & 0x7f) | 0x80);
      rest >>>= 7;
    }
    out.write(rest);
  }
}
