package dev.mtls.server.internal.h2;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import org.xnio.channels.StreamSinkChannel;
import org.xnio.channels.StreamSourceChannel;
import org.xnio.conduits.AbstractStreamSinkConduit;
import org.xnio.conduits.AbstractStreamSourceConduit;
import org.xnio.conduits.ConduitReadableByteChannel;
import org.xnio.conduits.ConduitWritableByteChannel;
import org.xnio.conduits.Conduits;
import org.xnio.conduits.StreamSinkConduit;
import org.xnio.conduits.StreamSourceConduit;

/**
 * The two conduits of a guarded HTTP/2 connection, between TLS and Undertow's HTTP/2 channel: every byte read or
 * written passes its connection's {@link Http2Guard.Guarded}, which only looks. Transfers go through reads and
 * writes, so no byte passes unseen.
 */
final class GuardedConduits {
  private GuardedConduits() {}

  /** What the client sent: scanned as read, before Undertow parses it; a refusal fails the read. */
  static final class Source extends AbstractStreamSourceConduit<StreamSourceConduit> {
    private final Http2Guard.Guarded guarded;

    Source(StreamSourceConduit next, Http2Guard.Guarded guarded) {
      super(next);
      this.guarded = guarded;
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
      int start = dst.position();
      int read = next.read(dst);
      guarded.read(between(dst, start, dst.position()));
      return read;
    }

    @Override
    public long read(ByteBuffer[] dsts, int offset, int length) throws IOException {
      int[] starts = positions(dsts, offset, length);
      long read = next.read(dsts, offset, length);
      for (int i = 0; i < length; i++) {
        guarded.read(between(dsts[offset + i], starts[i], dsts[offset + i].position()));
      }
      return read;
    }

    @Override
    public long transferTo(long position, long count, FileChannel target) throws IOException {
      return target.transferFrom(new ConduitReadableByteChannel(this), position, count);
    }

    @Override
    public long transferTo(long count, ByteBuffer throughBuffer, StreamSinkChannel target) throws IOException {
      return Conduits.transfer(this, count, throughBuffer, target);
    }
  }

  /** What the server wrote: scanned once written, so only what left counts. */
  static final class Sink extends AbstractStreamSinkConduit<StreamSinkConduit> {
    private final Http2Guard.Guarded guarded;

    Sink(StreamSinkConduit next, Http2Guard.Guarded guarded) {
      super(next);
      this.guarded = guarded;
    }

    @Override
    public int write(ByteBuffer src) throws IOException {
      int start = src.position();
      int written = next.write(src);
      guarded.written(between(src, start, src.position()));
      return written;
    }

    @Override
    public long write(ByteBuffer[] srcs, int offset, int length) throws IOException {
      int[] starts = positions(srcs, offset, length);
      long written = next.write(srcs, offset, length);
      for (int i = 0; i < length; i++) {
        guarded.written(between(srcs[offset + i], starts[i], srcs[offset + i].position()));
      }
      return written;
    }

    @Override
    public int writeFinal(ByteBuffer src) throws IOException {
      return Conduits.writeFinalBasic(this, src);
    }

    @Override
    public long writeFinal(ByteBuffer[] srcs, int offset, int length) throws IOException {
      return Conduits.writeFinalBasic(this, srcs, offset, length);
    }

    @Override
    public long transferFrom(FileChannel src, long position, long count) throws IOException {
      return src.transferTo(position, count, new ConduitWritableByteChannel(this));
    }

    @Override
    public long transferFrom(StreamSourceChannel source, long count, ByteBuffer throughBuffer) throws IOException {
      return Conduits.transfer(source, count, throughBuffer, this);
    }
  }

  private static int[] positions(ByteBuffer[] buffers, int offset, int length) {
    int[] positions = new int[length];
    for (int i = 0; i < length; i++) {
      positions[i] = buffers[offset + i].position();
    }
    return positions;
  }

  /** The bytes of {@code buffer} from {@code start} to {@code end}, as a view. */
  private static ByteBuffer between(ByteBuffer buffer, int start, int end) {
    return buffer.duplicate().limit(Math.max(start, end)).position(start);
  }
}
