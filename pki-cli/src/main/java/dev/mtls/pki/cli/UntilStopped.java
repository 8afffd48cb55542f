package dev.mtls.pki.cli;

import java.util.concurrent.CountDownLatch;

/** Where a command that serves waits: until the JVM is asked to stop (Ctrl-C, SIGTERM) or its thread is interrupted. */
final class UntilStopped {
  private UntilStopped() {}

  static void await() {
    CountDownLatch stopped = new CountDownLatch(1);
    Thread hook = new Thread(stopped::countDown, "pki-stop");
    Runtime.getRuntime().addShutdownHook(hook);
    try {
      stopped.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      try {
        // A command run in-process (tests) leaves no hook behind.
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException e) {
        // The JVM is already stopping: the hook has run.
      }
    }
  }
}
