package dev.mtls.server.internal.tls;

import dev.mtls.pki.material.SafeText;
import dev.mtls.server.ConfigException;
import dev.mtls.server.TlsEngine;
import java.lang.reflect.Method;
import java.nio.ByteBuffer;
import java.security.Provider;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;

/**
 * What the server needs of Conscrypt ({@link TlsEngine#CONSCRYPT}), found by reflection because its jar is optional:
 * the JSSE provider, used for the server's SSLContext only (never installed for the whole JVM); the engine that
 * BoringSSL's callbacks hand the trust manager (Conscrypt wraps it in another before returning it); and freeing an
 * engine's native state when its connection closes. A Conscrypt engine holds a BoringSSL {@code SSL} and a pipe
 * (two file descriptors) until it has both received and sent close_notify, or until the garbage collector finalises
 * it: Undertow closes a connection without sending ours when the peer has gone, and at the process's
 * file-descriptor limit every new connection failed ({@code AppData::create pipe(2) failed}).
 */
final class NativeTls {
  private static final String CONSCRYPT = "org.conscrypt.Conscrypt";
  private static final String ENGINE_WRAPPER = "org.conscrypt.Java8EngineWrapper";
  private static final ByteBuffer[] NOTHING = {};
  /** Room for one TLS record with its header and the largest expansion (RFC 8446 5.2). */
  private static final int RECORD = 5 + 16384 + 256;

  private final Provider provider;
  private final Method delegate;

  private NativeTls(Provider provider, Method delegate) {
    this.provider = provider;
    this.delegate = delegate;
  }

  /** Conscrypt's provider; fails with what to do when its jar is missing or its native library does not load. */
  static NativeTls conscrypt() {
    try {
      Class<?> conscrypt = Class.forName(CONSCRYPT);
      if (!(Boolean) conscrypt.getMethod("isAvailable").invoke(null)) {
        throw new ConfigException("tls-engine conscrypt: Conscrypt's native library does not load on this machine ("
            + SafeText.escape(System.getProperty("os.name") + " " + System.getProperty("os.arch"))
            + "); use the jdk engine");
      }
      Provider provider = (Provider) conscrypt.getMethod("newProvider").invoke(null);
      Method delegate = Class.forName(ENGINE_WRAPPER).getDeclaredMethod("getDelegate", SSLEngine.class);
      delegate.setAccessible(true);
      return new NativeTls(provider, delegate);
    } catch (ClassNotFoundException e) {
      throw new ConfigException("tls-engine conscrypt needs Conscrypt on the class path: run java -cp <this jar>:"
          + "conscrypt-openjdk-uber-<version>.jar <main class> (see docs/performance.md), or use the jdk engine");
    } catch (ReflectiveOperationException | RuntimeException e) {
      if (e instanceof ConfigException config) {
        throw config;
      }
      throw new ConfigException("tls-engine conscrypt: this version of Conscrypt is not one the server can use ("
          + SafeText.escape(e.toString()) + "); use 2.5.2, or the jdk engine");
    }
  }

  Provider provider() {
    return provider;
  }

  /** The engine Conscrypt passes to the trust manager for {@code engine}, the one its SSLContext returned. */
  SSLEngine judged(SSLEngine engine) {
    try {
      return (SSLEngine) delegate.invoke(null, engine);
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("cannot reach Conscrypt's engine inside " + engine.getClass().getName(), e);
    }
  }

  /**
   * Frees {@code engine}'s native state now that its connection is closed: closes both directions and takes
   * whatever close_notify is still waiting to be sent (the socket is gone), which is when Conscrypt frees it.
   */
  static void free(SSLEngine engine) {
    engine.closeOutbound();
    try {
      engine.closeInbound();
    } catch (SSLException e) {
      // The peer ended without close_notify: expected when a connection is cut; the engine is closed all the same.
    }
    ByteBuffer discard = ByteBuffer.allocate(RECORD);
    for (int i = 0; i < 4 && !engine.isOutboundDone(); i++) {
      discard.clear();
      try {
        if (engine.wrap(NOTHING, discard).bytesProduced() == 0) {
          return;
        }
      } catch (SSLException e) {
        return;
      }
    }
  }
}
