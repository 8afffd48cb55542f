package dev.mtls.client.internal.diagnosis;

import dev.mtls.client.MtlsException;
import dev.mtls.pki.material.SafeText;
import java.io.EOFException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLException;
import org.apache.hc.core5.http.NoHttpResponseException;
import org.apache.hc.core5.http.RequestNotExecutedException;

/** A failure's exception chain (causes and suppressed exceptions), read for what it says. */
final class Causes {
  private static final Pattern ALERT = Pattern.compile("Received fatal alert: ([a-z_]+)");
  /** Since JDK 23 (JDK-8311644) the exception of a handshake we ended starts with the alert we sent. */
  private static final Pattern SENT = Pattern.compile("^\\(([a-z_]+)\\) ");
  private static final Pattern CLOSED = Pattern.compile(".*(closed|terminated|reset|broken pipe|end of stream|eof).*");

  private final List<Throwable> chain = new ArrayList<>();

  Causes(Throwable failure) {
    for (Throwable cause = failure; cause != null && !chain.contains(cause); cause = cause.getCause()) {
      if (!(cause instanceof MtlsException)) {
        chain.add(cause);
      }
      for (Throwable suppressed : cause.getSuppressed()) {
        chain.add(suppressed);
      }
    }
  }

  /** The first exception of {@code type} in the chain, or null. */
  <T extends Throwable> T find(Class<T> type) {
    for (Throwable cause : chain) {
      if (type.isInstance(cause)) {
        return type.cast(cause);
      }
    }
    return null;
  }

  boolean has(Class<? extends Throwable> type) {
    return find(type) != null;
  }

  /** The TLS alert the server sent, as JSSE names it (e.g. {@code unknown_ca}), or null. */
  String alert() {
    for (Throwable cause : chain) {
      Matcher matcher = ALERT.matcher(String.valueOf(cause.getMessage()));
      if (matcher.find()) {
        return matcher.group(1);
      }
    }
    return null;
  }

  /** The TLS alert we sent when we ended the handshake, when the JDK names it (23 and later), or null. */
  String sentAlert() {
    for (Throwable cause : chain) {
      String message = String.valueOf(cause.getMessage());
      Matcher matcher = SENT.matcher(message);
      if (cause instanceof SSLException && !ALERT.matcher(message).find() && matcher.find()) {
        return matcher.group(1);
      }
    }
    return null;
  }

  /**
   * The ways a TLS 1.3 rejection reaches a client after its handshake: reset, broken pipe, EOF, no response, or
   * (HTTP/2) a request that never left because its connection closed.
   */
  boolean closedOrReset() {
    for (Throwable cause : chain) {
      if (cause instanceof SocketTimeoutException) {
        continue;
      }
      if (cause instanceof SocketException || cause instanceof EOFException
          || cause instanceof NoHttpResponseException || cause instanceof RequestNotExecutedException
          || (cause instanceof SSLException
              && CLOSED.matcher(String.valueOf(cause.getMessage()).toLowerCase(Locale.ROOT)).matches())) {
        return true;
      }
    }
    return false;
  }

  /** One line per cause, class and message, escaped; a line repeating the one before is left out. */
  String technical() {
    List<String> lines = new ArrayList<>();
    for (Throwable cause : chain) {
      String line = cause.getClass().getName() + (cause.getMessage() == null ? "" : ": " + cause.getMessage());
      if (lines.isEmpty() || !lines.get(lines.size() - 1).equals(line)) {
        lines.add(SafeText.escape(line));
      }
    }
    return String.join("\n", lines);
  }
}
