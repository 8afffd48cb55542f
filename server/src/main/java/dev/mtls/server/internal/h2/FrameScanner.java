package dev.mtls.server.internal.h2;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * Reads the frame headers (RFC 9113 section 4.1) of one direction of an HTTP/2 connection as its bytes pass, in
 * pieces of any size, without copying or moving them: the 9-byte header of each frame, and the error code of a
 * GOAWAY; payloads are skipped by their length. Holds 17 bytes, whatever the frames.
 */
final class FrameScanner {
  static final int GOAWAY = 0x7;
  /** The client's connection preface, {@code PRI * HTTP/2.0...}, before its first frame. */
  static final int CLIENT_PREFACE_LENGTH = 24;

  /** Told each frame once its header (and a GOAWAY's error code) has passed; may refuse it. */
  interface Frames {
    void frame(int type, int flags, int streamId, int length, int errorCode) throws IOException;
  }

  private final Frames frames;
  /** A frame header, then for a GOAWAY its last stream and error code. */
  private final byte[] header = new byte[17];
  private int have;
  private int want = 9;
  private long skip;

  /** @param prefaceLength bytes before the first frame (the client's preface), skipped */
  FrameScanner(int prefaceLength, Frames frames) {
    this.skip = prefaceLength;
    this.frames = frames;
  }

  /** Scans what is between the position and the limit of {@code bytes}, which it leaves as they were. */
  void scan(ByteBuffer bytes) throws IOException {
    int at = bytes.position();
    int end = bytes.limit();
    while (at < end) {
      if (skip > 0) {
        int skipped = (int) Math.min(skip, end - at);
        skip -= skipped;
        at += skipped;
        continue;
      }
      header[have++] = bytes.get(at++);
      if (have == want) {
        headerComplete();
      }
    }
  }

  private void headerComplete() throws IOException {
    int length = (header[0] & 0xff) << 16 | (header[1] & 0xff) << 8 | (header[2] & 0xff);
    int type = header[3] & 0xff;
    if (want == 9 && type == GOAWAY && length >= 8) {
      want = 17;
      return;
    }
    int errorCode = want == 17 ? ByteBuffer.wrap(header, 13, 4).getInt() : 0;
    skip = length - (want - 9);
    have = 0;
    want = 9;
    frames.frame(type, header[4] & 0xff, ByteBuffer.wrap(header, 5, 4).getInt() & 0x7fffffff, length, errorCode);
  }
}
