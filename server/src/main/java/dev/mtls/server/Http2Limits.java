package dev.mtls.server;

import java.time.Duration;

/**
 * What one HTTP/2 connection may cost the server, beyond the {@link Limits} every request has (its header size and
 * count, its body, its timeouts hold for each stream too). The first three are announced to the client in the
 * server's SETTINGS; going past any of them ends the connection with a GOAWAY and an {@link Http2Abuse} event.
 *
 * @param maxConcurrentStreams streams a client may have open at once on one connection
 * @param maxFrameSize         the largest frame a client may send, in bytes (16 KiB to 16 MiB - 1)
 * @param initialWindowSize    how many bytes of a request body a client may send on a stream before the server
 *                             asks for more (flow control)
 * @param maxResets            streams a client may reset, or make the server reset, within {@code floodWindow}
 *                             (rapid reset)
 * @param maxControlFrames     PING frames a client may send within {@code floodWindow}, and as many SETTINGS
 *                             frames: the server answers each one
 * @param floodWindow          the time {@code maxResets} and {@code maxControlFrames} are counted over
 */
public record Http2Limits(int maxConcurrentStreams, int maxFrameSize, int initialWindowSize, int maxResets,
    int maxControlFrames, Duration floodWindow) {
  /**
   * The defaults of {@link ServerSettings}: 100 streams at once, 16 KiB frames, a 65535-byte window (the protocol's
   * own defaults), 200 resets and 1000 PINGs or SETTINGS per 30 s.
   */
  public static final Http2Limits DEFAULTS = new Http2Limits(
      ServerSettings.HTTP2_MAX_CONCURRENT_STREAMS.defaultValue(),
      Math.toIntExact(ServerSettings.HTTP2_MAX_FRAME_SIZE.defaultValue()),
      Math.toIntExact(ServerSettings.HTTP2_INITIAL_WINDOW_SIZE.defaultValue()),
      ServerSettings.HTTP2_MAX_RESETS.defaultValue(), ServerSettings.HTTP2_MAX_CONTROL_FRAMES.defaultValue(),
      ServerSettings.HTTP2_FLOOD_WINDOW.defaultValue());

  /** Checks each limit as its setting in {@link ServerSettings} does. */
  public Http2Limits {
    ServerSettings.HTTP2_MAX_CONCURRENT_STREAMS.check(maxConcurrentStreams);
    ServerSettings.HTTP2_MAX_FRAME_SIZE.check((long) maxFrameSize);
    ServerSettings.HTTP2_INITIAL_WINDOW_SIZE.check((long) initialWindowSize);
    ServerSettings.HTTP2_MAX_RESETS.check(maxResets);
    ServerSettings.HTTP2_MAX_CONTROL_FRAMES.check(maxControlFrames);
    ServerSettings.HTTP2_FLOOD_WINDOW.check(floodWindow);
  }

  public Http2Limits withMaxConcurrentStreams(int streams) {
    return new Http2Limits(streams, maxFrameSize, initialWindowSize, maxResets, maxControlFrames, floodWindow);
  }

  /** At most {@code resets} resets and {@code controlFrames} PINGs or SETTINGS per {@code window}. */
  public Http2Limits withFloods(int resets, int controlFrames, Duration window) {
    return new Http2Limits(maxConcurrentStreams, maxFrameSize, initialWindowSize, resets, controlFrames, window);
  }
}
