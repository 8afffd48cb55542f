package dev.mtls.server.internal.h2;

import dev.mtls.server.Http2Limits;
import dev.mtls.server.Limits;
import io.undertow.UndertowOptions;
import org.xnio.Option;
import org.xnio.OptionMap;

/**
 * The HTTP/2 options of the HTTPS listener, from {@link Limits}: what Undertow announces in its SETTINGS and counts
 * itself, and what the {@link Http2Guard} holds the client to. Undertow reads the same header limits for every
 * stream as for an HTTP/1.1 request ({@code MAX_HEADER_SIZE}, {@code MAX_HEADERS}); it also caps the header list at
 * 20000 bytes unless the JVM's {@code io.undertow.http2-max-header-size} says otherwise.
 */
public final class Http2Options {
  /** PING frames a client may send per {@link UndertowOptions#RST_FRAMES_TIME_WINDOW}, and as many SETTINGS. */
  public static final Option<Integer> MAX_CONTROL_FRAMES = Option.simple(Http2Options.class, "MAX_CONTROL_FRAMES",
      Integer.class);

  private Http2Options() {}

  public static OptionMap of(Limits limits) {
    Http2Limits http2 = limits.http2();
    return OptionMap.builder()
        .set(UndertowOptions.HTTP2_SETTINGS_MAX_CONCURRENT_STREAMS, http2.maxConcurrentStreams())
        .set(UndertowOptions.HTTP2_SETTINGS_MAX_FRAME_SIZE, http2.maxFrameSize())
        .set(UndertowOptions.HTTP2_SETTINGS_INITIAL_WINDOW_SIZE, http2.initialWindowSize())
        // Announced, so a client knows before it sends; Undertow holds the smaller of this and 20000.
        .set(UndertowOptions.HTTP2_SETTINGS_MAX_HEADER_LIST_SIZE, limits.maxHeaderBytes())
        .set(UndertowOptions.MAX_RST_FRAMES_PER_WINDOW, http2.maxResets())
        .set(UndertowOptions.RST_FRAMES_TIME_WINDOW, millis(http2.floodWindow()))
        .set(MAX_CONTROL_FRAMES, http2.maxControlFrames())
        .getMap();
  }

  private static int millis(java.time.Duration duration) {
    return (int) Math.max(1, Math.min(Integer.MAX_VALUE, duration.toMillis()));
  }
}
