package dev.mtls.server.internal.identity;

import java.util.List;
import java.util.regex.Pattern;

/**
 * The SPIFFE ID rules (spiffe.io, "SPIFFE-ID" standard): {@code spiffe://trust-domain/path}, the trust domain of
 * lower-case letters, digits, dots, dashes and underscores, no port or user info; each path segment non-empty, not
 * {@code .} or {@code ..}, of letters, digits, dots, dashes and underscores (so no percent-encoding); no trailing
 * slash, query or fragment; at most 2048 bytes. A certificate naming an invalid one is granted nothing by it.
 *
 * <p>A certificate that names a SPIFFE ID is an X509-SVID, which carries exactly one URI name ("X509-SVID"
 * standard, section 2: a validator must reject an SVID with more): one with more is granted nothing by URI rules.
 */
final class SpiffeId {
  private static final Pattern VALID = Pattern.compile(
      "spiffe://[a-z0-9._-]+(/[A-Za-z0-9._-]+)*");
  private static final Pattern DOT_SEGMENT = Pattern.compile("/\\.{1,2}(?=/|$)");

  private SpiffeId() {}

  /** Whether {@code uri} claims to be a SPIFFE ID (its scheme is spiffe, in any case). */
  static boolean claims(String uri) {
    return uri.regionMatches(true, 0, "spiffe:", 0, 7);
  }

  /** Whether the URI names of a certificate make it an X509-SVID with more than the one URI name it may have. */
  static boolean tooManyForAnSvid(List<String> uris) {
    return uris.size() > 1 && uris.stream().anyMatch(SpiffeId::claims);
  }

  static boolean isValid(String uri) {
    return uri.length() <= 2048 && VALID.matcher(uri).matches() && !DOT_SEGMENT.matcher(uri).find();
  }
}
