package dev.mtls.demo;

/** Why the demo cannot go on, in one line for the learner (a port in use, a missing file); exit status 1. */
final class DemoException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  DemoException(String message) {
    super(message);
  }

  DemoException(String message, Throwable cause) {
    super(message, cause);
  }
}
