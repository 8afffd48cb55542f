package dev.mtls.testing.h2;

import dev.mtls.testing.Eventually;
import dev.mtls.testing.tls.TlsProbe;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import javax.net.ssl.SSLSocket;

/**
 * Test only: a hand-written HTTP/2 client (RFC 9113) over TLS with ALPN {@code h2}, that sends exactly the frames a
 * test writes, valid or not: a hostile peer (floods, resets, endless header blocks, HPACK bombs) no real client
 * would be. Header blocks are written with {@link Hpack}. Of what the server sends, a reader thread reads frame
 * headers only: it counts frames by type, counts the streams the server ended, keeps the GOAWAY, acknowledges the
 * server's SETTINGS and notices the close. Every send method writes one frame and flushes it.
 *
 * <pre>{@code
 * try (RawH2Client h2 = RawH2Client.open(pki.clientFor(pki.alice), server.port())) {
 *   h2.headers(1, RawH2Client.END_HEADERS | RawH2Client.END_STREAM, Hpack.request("GET", "/whoami"));
 *   h2.awaitEnded(1);
 * }
 * }</pre>
 */
public final class RawH2Client implements AutoCloseable {
  public static final int DATA = 0x0;
  public static final int HEADERS = 0x1;
  public static final int RST_STREAM = 0x3;
  public static final int SETTINGS = 0x4;
  public static final int PING = 0x6;
  public static final int GOAWAY = 0x7;
  public static final int WINDOW_UPDATE = 0x8;
  public static final int CONTINUATION = 0x9;

  /** Flags: END_STREAM on DATA and HEADERS; the same bit is ACK on SETTINGS and PING. */
  public static final int END_STREAM = 0x1;
  public static final int ACK = 0x1;
  public static final int END_HEADERS = 0x4;

  /** Error codes (section 7). */
  public static final int NO_ERROR = 0x0;
  public static final int PROTOCOL_ERROR = 0x1;
  public static final int FRAME_SIZE_ERROR = 0x6;
  public static final int CANCEL = 0x8;
  public static final int ENHANCE_YOUR_CALM = 0xb;

  private static final byte[] PREFACE = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

  /** The GOAWAY the server sent: the last stream it processed and why it ends the connection. */
  public record GoAway(int lastStreamId, int errorCode) {}

  private final SSLSocket socket;
  private final String local;
  private final OutputStream out;
  private final AtomicIntegerArray received = new AtomicIntegerArray(16);
  private final AtomicInteger ended = new AtomicInteger();
  private volatile GoAway goAway;
  private volatile boolean closed;

  private RawH2Client(SSLSocket socket) throws IOException {
    this.socket = socket;
    this.local = socket.getLocalAddress().getHostAddress() + ":" + socket.getLocalPort();
    this.out = socket.getOutputStream();
  }

  /**
   * Connects as {@code client} (its certificate, trust and local address), sends the connection preface and an
   * empty SETTINGS frame, and starts reading. Fails when the server did not choose {@code h2}.
   */
  public static RawH2Client open(TlsProbe client, int port) throws IOException {
    SSLSocket socket = client.socket(port, "h2");
    if (!"h2".equals(socket.getApplicationProtocol())) {
      socket.close();
      throw new IOException("the server did not choose h2 by ALPN but \"" + socket.getApplicationProtocol() + "\"");
    }
    RawH2Client h2 = new RawH2Client(socket);
    synchronized (h2.out) {
      h2.out.write(PREFACE);
    }
    h2.frame(SETTINGS, 0, 0, new byte[0]);
    Thread reader = new Thread(h2::read, "raw-h2-reader");
    reader.setDaemon(true);
    reader.start();
    return h2;
  }

  /** One frame, as given: any type, flags, stream and payload. */
  public void frame(int type, int flags, int streamId, byte[] payload) throws IOException {
    byte[] frame = new byte[9 + payload.length];
    frame[0] = (byte) (payload.length >>> 16);
    frame[1] = (byte) (payload.length >>> 8);
    frame[2] = (byte) payload.length;
    frame[3] = (byte) type;
    frame[4] = (byte) flags;
    ByteBuffer.wrap(frame, 5, 4).putInt(streamId & 0x7fffffff);
    System.arraycopy(payload, 0, frame, 9, payload.length);
    synchronized (out) {
      out.write(frame);
      out.flush();
    }
  }

  /** A HEADERS frame opening (or ending) {@code streamId} with {@code block} ({@link Hpack}). */
  public void headers(int streamId, int flags, byte[] block) throws IOException {
    frame(HEADERS, flags, streamId, block);
  }

  /** A CONTINUATION frame: more of the header block a HEADERS frame without END_HEADERS began. */
  public void continuation(int streamId, int flags, byte[] fragment) throws IOException {
    frame(CONTINUATION, flags, streamId, fragment);
  }

  public void rstStream(int streamId, int errorCode) throws IOException {
    frame(RST_STREAM, 0, streamId, ByteBuffer.allocate(4).putInt(errorCode).array());
  }

  /** A SETTINGS frame with {@code idsAndValues} (identifier, value, ...). */
  public void settings(int... idsAndValues) throws IOException {
    ByteBuffer payload = ByteBuffer.allocate(idsAndValues.length / 2 * 6);
    for (int i = 0; i + 1 < idsAndValues.length; i += 2) {
      payload.putShort((short) idsAndValues[i]).putInt(idsAndValues[i + 1]);
    }
    frame(SETTINGS, 0, 0, payload.array());
  }

  public void ping(long opaque) throws IOException {
    frame(PING, 0, 0, ByteBuffer.allocate(8).putLong(opaque).array());
  }

  public void windowUpdate(int streamId, int increment) throws IOException {
    frame(WINDOW_UPDATE, 0, streamId, ByteBuffer.allocate(4).putInt(increment).array());
  }

  /** This end of the connection, {@code host:port}: the peer the server's events name. */
  public String local() {
    return local;
  }

  /** How many frames of {@code type} the server has sent so far. */
  public int received(int type) {
    return received.get(type & 0xf);
  }

  /** How many streams the server has ended so far (HEADERS or DATA with END_STREAM): answers complete. */
  public int ended() {
    return ended.get();
  }

  /** The GOAWAY the server sent, if it did. */
  public Optional<GoAway> goAway() {
    return Optional.ofNullable(goAway);
  }

  /** Whether the server closed the connection (end of stream, or a reset). */
  public boolean isClosed() {
    return closed;
  }

  /** Waits for the server's GOAWAY. */
  public GoAway awaitGoAway(Duration deadline) {
    return Eventually.within(deadline).await("a GOAWAY from the server", () -> goAway, found -> found != null);
  }

  /** Waits until the server has closed the connection. */
  public void awaitClosed(Duration deadline) {
    Eventually.within(deadline).until("the server to close the connection", () -> closed);
  }

  /** Waits until the server has ended {@code count} streams. */
  public void awaitEnded(int count) {
    Eventually.await(count + " streams ended by the server", () -> ended.get() >= count);
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }

  private void read() {
    try {
      DataInputStream in = new DataInputStream(socket.getInputStream());
      byte[] header = new byte[9];
      while (true) {
        in.readFully(header);
        int length = (header[0] & 0xff) << 16 | (header[1] & 0xff) << 8 | (header[2] & 0xff);
        int type = header[3] & 0xff;
        int flags = header[4] & 0xff;
        byte[] payload = in.readNBytes(length);
        if (payload.length < length) {
          break;
        }
        received.incrementAndGet(type & 0xf);
        if ((type == HEADERS || type == DATA) && (flags & END_STREAM) != 0) {
          ended.incrementAndGet();
        } else if (type == SETTINGS && (flags & ACK) == 0) {
          frame(SETTINGS, ACK, 0, new byte[0]);
        } else if (type == GOAWAY && length >= 8) {
          ByteBuffer body = ByteBuffer.wrap(payload);
          goAway = new GoAway(body.getInt() & 0x7fffffff, body.getInt());
        }
      }
    } catch (IOException endOfConnection) {
      // The server closed the connection, or reset it: either way it is over.
    } finally {
      closed = true;
    }
  }
}
