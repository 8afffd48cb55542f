package dev.mtls.server.internal.h2;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class FrameScannerTest {
  private final List<String> frames = new ArrayList<>();

  @Test
  void reads_frame_headers_in_pieces_of_any_size_and_leaves_the_bytes_as_they_were() throws IOException {
    ByteArrayOutputStream stream = new ByteArrayOutputStream();
    stream.writeBytes("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
    stream.writeBytes(frame(0x4, 0, 0, new byte[6]));
    stream.writeBytes(frame(0x1, 0x5, 1, new byte[40]));
    stream.writeBytes(frame(0x0, 0x1, 1, new byte[70_000]));
    stream.writeBytes(frame(0x7, 0, 0, ByteBuffer.allocate(12).putInt(1).putInt(0xb).array()));
    stream.writeBytes(frame(0x6, 0, 0, new byte[8]));
    byte[] bytes = stream.toByteArray();

    for (int piece : new int[] {1, 7, 9, 4096, bytes.length}) {
      frames.clear();
      FrameScanner scanner = new FrameScanner(FrameScanner.CLIENT_PREFACE_LENGTH,
          (type, flags, id, length, code) -> frames.add(type + "/" + flags + "/" + id + "/" + length + "/" + code));
      for (int at = 0; at < bytes.length; at += piece) {
        ByteBuffer buffer = ByteBuffer.wrap(bytes, at, Math.min(piece, bytes.length - at));
        int position = buffer.position();
        scanner.scan(buffer);
        assertThat(buffer.position()).isEqualTo(position);
      }

      assertThat(frames).as("in pieces of %d", piece).containsExactly("4/0/0/6/0", "1/5/1/40/0", "0/1/1/70000/0",
          "7/0/0/12/11", "6/0/0/8/0");
    }
  }

  private static byte[] frame(int type, int flags, int stream, byte[] payload) {
    ByteBuffer frame = ByteBuffer.allocate(9 + payload.length);
    frame.put((byte) (payload.length >>> 16)).put((byte) (payload.length >>> 8)).put((byte) payload.length)
        .put((byte) type).put((byte) flags).putInt(stream).put(payload);
    return frame.array();
  }
}
