package dev.mtls.pki.material.internal.trust;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.X509Certificate;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/** The OCSP responses a server stapled in the handshake, by the certificate each came with. */
public final class Staples {
  private final Map<X509Certificate, byte[]> responses;

  private Staples(Map<X509Certificate, byte[]> responses) {
    this.responses = responses;
  }

  /** {@code stapled} in the order of {@code offered}; empty entries stand for none. */
  public static Staples of(List<X509Certificate> offered, List<byte[]> stapled) {
    Map<X509Certificate, byte[]> responses = new HashMap<>();
    for (int i = 0; i < offered.size() && i < stapled.size(); i++) {
      if (stapled.get(i) != null && stapled.get(i).length > 0) {
        responses.put(offered.get(i), stapled.get(i));
      }
    }
    return new Staples(responses);
  }

  /**
   * What identifies {@code stapled} (in the order of a chain, empty entries for none) as an input of a decision:
   * "" when nothing was stapled, else a SHA-256 over the responses and their positions. A verdict reached with one
   * set of staples answers for that set only.
   */
  public static String fingerprint(List<byte[]> stapled) {
    if (stapled.stream().allMatch(staple -> staple == null || staple.length == 0)) {
      return "";
    }
    MessageDigest sha256;
    try {
      sha256 = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is in every JDK", e);
    }
    for (byte[] staple : stapled) {
      byte[] response = staple == null ? new byte[0] : staple;
      sha256.update(ByteBuffer.allocate(Integer.BYTES).putInt(response.length).array());
      sha256.update(response);
    }
    return HexFormat.of().formatHex(sha256.digest());
  }

  public boolean isEmpty() {
    return responses.isEmpty();
  }

  /** The response stapled for {@code certificate}, or null. */
  byte[] forCertificate(X509Certificate certificate) {
    return responses.get(certificate);
  }
}
