package dev.mtls.server;

import java.time.Instant;
import java.util.Objects;

/**
 * An HTTP/2 connection the server ended because its client went past what a connection may cost
 * ({@link Http2Limits}) or broke the protocol: the server sent a GOAWAY and closed it. Requests already answered
 * stay answered; the client may connect again.
 *
 * @param peer      the client's address, {@code host:port}
 * @param reason    why, from a fixed list
 * @param errorCode the GOAWAY's error code (RFC 9113 section 7): {@code 0xb} ENHANCE_YOUR_CALM for a flood,
 *                  {@code 0x1} PROTOCOL_ERROR, ...
 * @param sentence  what the client did, in words
 * @param at        when it happened
 */
public record Http2Abuse(String peer, Reason reason, int errorCode, String sentence, Instant at) {
  /** Why the connection was ended. */
  public enum Reason {
    /** More streams open at once than the server announced ({@code http2-max-concurrent-streams}). */
    TOO_MANY_STREAMS("too many concurrent streams"),
    /**
     * More streams reset within {@code http2-flood-window} than {@code http2-max-resets}, by the client or by the
     * server answering what the client sent: rapid reset (CVE-2023-44487). Counted by Undertow.
     */
    RAPID_RESET("rapid reset"),
    /** A frame larger than the server announced ({@code http2-max-frame-size}). */
    FRAME_TOO_LARGE("frame too large"),
    /** A header block in more than 8 CONTINUATION frames (CVE-2024-27316), the limit nghttp2 set. */
    CONTINUATION_FLOOD("CONTINUATION flood"),
    /** More PING frames within {@code http2-flood-window} than {@code http2-max-control-frames}. */
    PING_FLOOD("PING flood"),
    /** More SETTINGS frames within {@code http2-flood-window} than {@code http2-max-control-frames}. */
    SETTINGS_FLOOD("SETTINGS flood"),
    /**
     * Any other connection error Undertow found in what the client sent, named by the GOAWAY's error code: a header
     * list larger than the limit once decoded (an HPACK bomb), an HPACK table size above the one announced, invalid
     * HPACK, a flow control violation.
     */
    PROTOCOL_ERROR("protocol error");

    private final String words;

    Reason(String words) {
      this.words = words;
    }

    /** The reason in a few words, for a log line: {@code rapid reset}. */
    public String words() {
      return words;
    }
  }

  public Http2Abuse {
    Objects.requireNonNull(peer, "peer == null");
    Objects.requireNonNull(reason, "reason == null");
    Objects.requireNonNull(sentence, "sentence == null");
    Objects.requireNonNull(at, "at == null");
  }
}
