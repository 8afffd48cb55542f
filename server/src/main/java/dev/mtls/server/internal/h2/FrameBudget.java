package dev.mtls.server.internal.h2;

import dev.mtls.server.Http2Abuse.Reason;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.function.LongSupplier;

/**
 * What the client of one HTTP/2 connection has cost, frame by frame, and when that is enough: the limits Undertow
 * 2.4.4 announces but does not hold the client to, or does not have. Told every frame header in both directions
 * ({@link FrameScanner}); decides nothing from what a frame carries. Its memory is bounded by the stream limit.
 *
 * <ul>
 *   <li>Frame size: Undertow refuses a frame above the size it announced, but may close the connection before
 *       its GOAWAY is written, unseen.
 *   <li>Streams open at once: a stream is open from the client's HEADERS until the server ends it (END_STREAM) or
 *       either side resets it. Undertow announces SETTINGS_MAX_CONCURRENT_STREAMS and counts, but lets a client
 *       open any number of streams.
 *   <li>CONTINUATION frames per header block: at most 8, as nghttp2 allows (CVE-2024-27316). Undertow bounds a
 *       block's bytes, not its frames: empty CONTINUATION frames went on until its parser lost track of the
 *       frames (after 300 to 8000 of them).
 *   <li>PING and SETTINGS frames per window, each kind on its own: the server answers every one. Undertow answers
 *       them all.
 * </ul>
 *
 * Undertow's own refusals are read from the GOAWAY it sends: ENHANCE_YOUR_CALM is its reset limit (rapid reset,
 * CVE-2023-44487), the others a protocol error it found (an HPACK bomb, an HPACK table above the announced size).
 */
final class FrameBudget {
  static final int DATA = 0x0;
  static final int HEADERS = 0x1;
  static final int RST_STREAM = 0x3;
  static final int SETTINGS = 0x4;
  static final int PING = 0x6;
  static final int GOAWAY = 0x7;
  static final int CONTINUATION = 0x9;
  static final int END_STREAM = 0x1;
  static final int ACK = 0x1;
  static final int END_HEADERS = 0x4;

  static final int PROTOCOL_ERROR = 0x1;
  static final int FLOW_CONTROL_ERROR = 0x3;
  static final int FRAME_SIZE_ERROR = 0x6;
  static final int COMPRESSION_ERROR = 0x9;
  static final int ENHANCE_YOUR_CALM = 0xb;

  /** nghttp2's limit since 1.61 (CVE-2024-27316); a block within our header limit fits in 2 frames of 16 KiB. */
  static final int MAX_CONTINUATIONS = 8;

  /** Why the connection ends, with the GOAWAY's error code. */
  record Refusal(Reason reason, int errorCode, String sentence) {}

  private final int maxStreams;
  private final int maxFrameSize;
  private final int maxResets;
  private final Duration window;
  private final Window pings;
  private final Window settings;
  private final LongSupplier nanoTime;
  private final Set<Integer> open = new HashSet<>();
  private int lastStream;
  /** CONTINUATION frames in the header block in progress, or -1 when none is. */
  private int continuations = -1;
  private boolean ended;

  FrameBudget(int maxStreams, int maxFrameSize, int maxResets, int maxControlFrames, Duration window,
      LongSupplier nanoTime) {
    this.maxStreams = maxStreams;
    this.maxFrameSize = maxFrameSize;
    this.maxResets = maxResets;
    this.window = window;
    this.pings = new Window("PING", maxControlFrames, window);
    this.settings = new Window("SETTINGS", maxControlFrames, window);
    this.nanoTime = nanoTime;
  }

  /** A frame from the client: null, or why the connection must end now. */
  synchronized Refusal fromClient(int type, int flags, int streamId, int length) {
    if (ended) {
      return null;
    }
    if (length > maxFrameSize) {
      return end(Reason.FRAME_TOO_LARGE, FRAME_SIZE_ERROR, "sent a frame of " + length + " bytes, above the "
          + maxFrameSize + " the server announced");
    }
    switch (type) {
      case HEADERS -> {
        if (streamId > lastStream && streamId % 2 == 1) {
          lastStream = streamId;
          open.add(streamId);
          if (open.size() > maxStreams) {
            return end(Reason.TOO_MANY_STREAMS, PROTOCOL_ERROR, "opened stream " + streamId + " with " + maxStreams
                + " streams open, the most the server announced");
          }
        }
        continuations = (flags & END_HEADERS) == 0 ? 0 : -1;
      }
      case CONTINUATION -> {
        if (continuations >= 0 && ++continuations > MAX_CONTINUATIONS) {
          return end(Reason.CONTINUATION_FLOOD, ENHANCE_YOUR_CALM, "sent a header block in more than "
              + MAX_CONTINUATIONS + " CONTINUATION frames");
        }
        if ((flags & END_HEADERS) != 0) {
          continuations = -1;
        }
      }
      case RST_STREAM -> open.remove(streamId);
      case PING, SETTINGS -> {
        Window count = type == PING ? pings : settings;
        if ((flags & ACK) == 0 && !count.allows(nanoTime.getAsLong())) {
          return end(type == PING ? Reason.PING_FLOOD : Reason.SETTINGS_FLOOD, ENHANCE_YOUR_CALM,
              count.exceeded());
        }
      }
      default -> {
        // DATA, WINDOW_UPDATE, PRIORITY...: their costs are bounded by flow control and Undertow.
      }
    }
    return null;
  }

  /** A frame from the server: null, or, for a GOAWAY blaming the client that no refusal of ours caused, why. */
  synchronized Refusal fromServer(int type, int flags, int streamId, int errorCode) {
    if (type == RST_STREAM || (type == HEADERS || type == DATA) && (flags & END_STREAM) != 0) {
      open.remove(streamId);
    } else if (type == GOAWAY && !ended) {
      if (errorCode == ENHANCE_YOUR_CALM) {
        return end(Reason.RAPID_RESET, errorCode, "reset more than " + maxResets + " streams within "
            + describe(window) + ", or made the server reset them (Undertow's count)");
      }
      String name = switch (errorCode) {
        case PROTOCOL_ERROR -> "PROTOCOL_ERROR";
        case FLOW_CONTROL_ERROR -> "FLOW_CONTROL_ERROR";
        case FRAME_SIZE_ERROR -> "FRAME_SIZE_ERROR";
        case COMPRESSION_ERROR -> "COMPRESSION_ERROR";
        default -> null;
      };
      if (name != null) {
        return end(Reason.PROTOCOL_ERROR, errorCode, "broke the protocol: Undertow ended the connection with GOAWAY "
            + name);
      }
    }
    return null;
  }

  private Refusal end(Reason reason, int errorCode, String sentence) {
    ended = true;
    return new Refusal(reason, errorCode, sentence);
  }

  /** A count that starts over {@code length} after its first event, as Undertow counts resets. */
  private static final class Window {
    private final String frames;
    private final int max;
    private final Duration length;
    private long start;
    private int count;

    Window(String frames, int max, Duration length) {
      this.frames = frames;
      this.max = max;
      this.length = length;
    }

    boolean allows(long now) {
      if (count == 0 || now - start >= length.toNanos()) {
        start = now;
        count = 0;
      }
      return ++count <= max;
    }

    String exceeded() {
      return "sent more than " + max + " " + frames + " frames within " + describe(length);
    }
  }

  private static String describe(Duration duration) {
    return duration.toMillis() % 1000 == 0 ? duration.toSeconds() + " s" : duration.toMillis() + " ms";
  }
}
