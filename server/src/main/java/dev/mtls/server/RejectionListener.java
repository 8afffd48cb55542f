package dev.mtls.server;

/** Told about every refused client, on the thread that refused it; must be quick and must not throw. */
@FunctionalInterface
public interface RejectionListener {
  void rejected(Rejection rejection);
}
