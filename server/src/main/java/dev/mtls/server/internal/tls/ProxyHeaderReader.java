package dev.mtls.server.internal.tls;

import dev.mtls.pki.material.trust.Reason;
import io.undertow.connector.ByteBufferPool;
import io.undertow.connector.PooledByteBuffer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.xnio.ChannelListener;
import org.xnio.IoUtils;
import org.xnio.StreamConnection;
import org.xnio.XnioExecutor;
import org.xnio.channels.StreamSourceChannel;

/**
 * Reads the PROXY protocol header a balancer's connection starts with ({@link ProxyHeader}), before anything else
 * sees a byte of it: within a deadline, at most {@link ProxyHeader#MAX_LENGTH} bytes, on the connection's I/O
 * thread without blocking. Then the connection goes on with the header's addresses, or it is refused (a missing,
 * invalid or late header) and closed. A peer that closes before sending a byte is not a refusal. Until one of these
 * ends, the connection counts as {@link UnservedConnections unserved}, so a stop waits for its header.
 */
final class ProxyHeaderReader implements ChannelListener<StreamSourceChannel> {
  /** What becomes of the connection. */
  interface Outcome {
    /** The header is valid; {@code rest} holds the bytes that followed it (the TLS handshake's start), or is null. */
    void read(StreamConnection connection, ProxyHeader.Complete header, PooledByteBuffer rest);

    /** The connection is refused, and closed right after: {@code sentence} says why. */
    void refused(StreamConnection connection, Reason reason, String sentence);
  }

  private final StreamConnection connection;
  private final ByteBufferPool buffers;
  private final Duration timeout;
  private final Outcome outcome;
  private final UnservedConnections.Unserved unserved;
  // Read and written on the connection's I/O thread only, but the deadline is set on the accepting one.
  private PooledByteBuffer buffer;
  private volatile XnioExecutor.Key deadline;
  private boolean done;

  private ProxyHeaderReader(StreamConnection connection, ByteBufferPool buffers, Duration timeout, Outcome outcome,
      UnservedConnections.Unserved unserved) {
    if (buffers.getBufferSize() < ProxyHeader.MAX_LENGTH) {
      throw new IllegalArgumentException("buffers of " + buffers.getBufferSize() + " bytes cannot hold a PROXY header");
    }
    this.connection = connection;
    this.buffers = buffers;
    this.timeout = timeout;
    this.outcome = outcome;
    this.unserved = unserved;
  }

  /**
   * Starts reading {@code connection}'s header; it must be complete within {@code timeout}. {@code unserved} is the
   * connection until the reader hands it on or closes it.
   */
  static void start(StreamConnection connection, ByteBufferPool buffers, Duration timeout, Outcome outcome,
      UnservedConnections.Unserved unserved) {
    ProxyHeaderReader reader = new ProxyHeaderReader(connection, buffers, timeout, outcome, unserved);
    reader.deadline = connection.getIoThread().executeAfter(reader::expire, timeout.toMillis(), TimeUnit.MILLISECONDS);
    connection.getSourceChannel().setReadListener(reader);
    connection.getSourceChannel().resumeReads();
  }

  @Override
  public void handleEvent(StreamSourceChannel channel) {
    if (done) {
      return;
    }
    if (buffer == null) {
      buffer = buffers.allocate();
      buffer.getBuffer().limit(ProxyHeader.MAX_LENGTH);
    }
    ByteBuffer bytes = buffer.getBuffer();
    int read;
    try {
      read = channel.read(bytes);
    } catch (IOException e) {
      end(); // reset by the peer: nothing to refuse
      return;
    }
    if (read == 0) {
      return;
    }
    ByteBuffer received = bytes.duplicate().flip();
    if (read < 0) {
      if (received.hasRemaining()) {
        refuse(Reason.BAD_PROXY_HEADER, peer() + " closed the connection within its PROXY protocol header ("
            + received.remaining() + " bytes, incomplete)");
      } else {
        end();
      }
      return;
    }
    ProxyHeader.Result result = ProxyHeader.parse(received);
    if (result instanceof ProxyHeader.Invalid invalid) {
      refuse(invalid.problem() == ProxyHeader.Problem.NO_HEADER ? Reason.NO_PROXY_HEADER : Reason.BAD_PROXY_HEADER,
          peer() + (invalid.problem() == ProxyHeader.Problem.NO_HEADER ? " sent no PROXY protocol header: "
              : " sent an invalid PROXY protocol header: ") + invalid.detail());
    } else if (result instanceof ProxyHeader.Complete header) {
      done = true;
      cancelDeadline();
      bytes.flip().position(header.length());
      PooledByteBuffer rest = bytes.hasRemaining() ? buffer : null;
      if (rest == null) {
        buffer.close();
      }
      buffer = null;
      try {
        outcome.read(connection, header, rest);
      } catch (RuntimeException e) {
        IoUtils.safeClose(connection); // and XNIO logs the exception
        throw e;
      } finally {
        unserved.settle();
      }
    }
  }

  private void expire() {
    if (!done) {
      refuse(Reason.HANDSHAKE_TIMEOUT, peer() + " sent no complete PROXY protocol header within "
          + (timeout.toMillis() % 1000 == 0 ? timeout.toSeconds() + " s" : timeout.toMillis() + " ms"));
    }
  }

  private void refuse(Reason reason, String sentence) {
    done = true;
    release();
    outcome.refused(connection, reason, sentence);
    IoUtils.safeClose(connection);
  }

  private void end() {
    done = true;
    release();
    IoUtils.safeClose(connection);
  }

  private void release() {
    unserved.settle();
    cancelDeadline();
    if (buffer != null) {
      buffer.close();
      buffer = null;
    }
  }

  private void cancelDeadline() {
    XnioExecutor.Key key = deadline;
    if (key != null) {
      key.remove();
    }
  }

  /** Names the balancer's end of the connection in a sentence. */
  private String peer() {
    return "balancer " + peer(connection);
  }

  static String peer(StreamConnection connection) {
    if (connection.getPeerAddress() instanceof InetSocketAddress inet && inet.getAddress() != null) {
      String host = inet.getAddress().getHostAddress();
      return (host.contains(":") ? "[" + host + "]" : host) + ":" + inet.getPort();
    }
    return String.valueOf(connection.getPeerAddress());
  }
}
