package dev.mtls.client.trace;

import dev.mtls.client.trace.HandshakeTrace.Direction;
import dev.mtls.client.trace.HandshakeTrace.Step;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Records the TLS handshake of real connections from JSSE's own debug log. With {@code javax.net.debug}
 * set to the empty string, JSSE sends its handshake log to the {@code System.Logger} "javax.net.ssl"
 * instead of the console; this class listens there, on the thread that makes the request (the classic
 * HttpClient handshakes on the caller's thread), and turns "Produced ClientHello handshake message" and
 * "Consuming server Certificate handshake message" into an ordered trace.
 *
 * <p>The async client (HTTP/2) handshakes on its I/O threads: {@link #captureAsync} also records theirs, for one
 * request at a time.
 *
 * <p>JSSE reads {@code javax.net.debug} once, when its logger class loads: {@link #enable()} must run
 * before anything touches TLS (first thing in {@code main}). Tracing slows every handshake of the JVM,
 * so it is for the CLI's {@code --trace} and the demo, not for services.
 */
public final class HandshakeTracer {
  private static final Logger JSSE_LOG = Logger.getLogger("javax.net.ssl");
  private static final ThreadLocal<List<LogRecord>> RECORDING = new ThreadLocal<>();
  /** The name of every I/O thread of the clients' async side starts with this. */
  public static final String IO_THREADS = "mtls-client-io";
  private static volatile List<LogRecord> ioThreads;
  private static final Pattern EVENT = Pattern.compile(
      "^(Produced|Consuming) (?:(client|server) )?(?:ECDHE? |RSA )?(\\w+)(?: stateless)?(?: post-handshake)?(?: handshake)? message");
  private static final Pattern SUBJECT = Pattern.compile("\"subject\"\\s*:\\s*\"(.*)\",?\\s*$", Pattern.MULTILINE);
  private static final Pattern ALERT = Pattern.compile("\"description\"\\s*:\\s*\"([a-z_]+)\"");
  private static final Pattern FATAL = Pattern.compile("^Fatal \\((\\w+)\\): (.*)", Pattern.DOTALL);
  private static volatile boolean enabled;

  private HandshakeTracer() {}

  /** Turns JSSE's handshake log on, routed to this tracer only (nothing is printed). Idempotent. */
  public static synchronized void enable() {
    if (enabled) {
      return;
    }
    String current = System.getProperty("javax.net.debug");
    if (current != null && !current.isEmpty()) {
      throw new IllegalStateException("javax.net.debug=" + current + " sends the handshake log to the console; "
          + "unset it to use the trace");
    }
    System.setProperty("javax.net.debug", "");
    JSSE_LOG.setUseParentHandlers(false);
    JSSE_LOG.setLevel(Level.FINE);
    JSSE_LOG.addHandler(new Handler() {
      @Override
      public void publish(LogRecord record) {
        List<LogRecord> recording = RECORDING.get();
        List<LogRecord> io = ioThreads;
        if (recording == null && io != null && Thread.currentThread().getName().startsWith(IO_THREADS)) {
          recording = io;
        }
        if (recording != null) {
          recording.add(record);
        }
      }

      @Override
      public void flush() {}

      @Override
      public void close() {}
    });
    enabled = true;
  }

  /** What an action did on the wire, plus how it ended. */
  public record Captured<T>(HandshakeTrace trace, T result, Exception failure) {}

  /** An action that may fail, such as an HTTP request. */
  @FunctionalInterface
  public interface Action<T> {
    T run() throws Exception;
  }

  /** Runs {@code action} on this thread and records the handshake messages it caused. */
  public static <T> Captured<T> capture(Action<T> action) {
    return capture(action, false);
  }

  /**
   * Runs {@code action} on this thread and records the handshake messages it and the async client's I/O threads
   * caused: for a request over HTTP/2, whose handshake runs on an I/O thread. One capture at a time; what another
   * request's handshake does meanwhile is recorded too.
   */
  public static synchronized <T> Captured<T> captureAsync(Action<T> action) {
    return capture(action, true);
  }

  private static <T> Captured<T> capture(Action<T> action, boolean async) {
    if (!enabled) {
      throw new IllegalStateException("call HandshakeTracer.enable() before any TLS use");
    }
    List<LogRecord> records = Collections.synchronizedList(new ArrayList<>());
    RECORDING.set(records);
    if (async) {
      ioThreads = records;
    }
    T result = null;
    Exception failure = null;
    try {
      result = action.run();
    } catch (Exception e) {
      failure = e;
    } finally {
      if (async) {
        ioThreads = null;
      }
      RECORDING.remove();
    }
    List<LogRecord> recorded;
    synchronized (records) {
      recorded = new ArrayList<>(records);
    }
    HandshakeTrace trace = parse(recorded);
    if (failure != null && !trace.isEmpty() && !endsInFailure(trace)) {
      // With TLS 1.3 a refusal often reaches the client as a reset or EOF on its first read, which JSSE does not
      // log as an alert: end the trace with what the client actually saw.
      List<Step> steps = new ArrayList<>(trace.steps());
      steps.add(new Step(Direction.SERVER_TO_CLIENT, "ConnectionFailure", List.of(), rootMessage(failure)));
      trace = new HandshakeTrace(steps);
    }
    return new Captured<>(trace, result, failure);
  }

  private static boolean endsInFailure(HandshakeTrace trace) {
    String last = trace.steps().get(trace.steps().size() - 1).message();
    return last.equals("Alert") || last.equals("ConnectionFailure");
  }

  private static String rootMessage(Throwable failure) {
    Throwable root = failure;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    return root.getClass().getSimpleName() + (root.getMessage() == null ? "" : ": " + root.getMessage());
  }

  static HandshakeTrace parse(List<LogRecord> records) {
    List<Step> steps = new ArrayList<>();
    for (LogRecord record : records) {
      String message = record.getMessage() == null ? "" : record.getMessage();
      String firstLine = message.lines().findFirst().orElse("");
      String parameters = parameters(record);
      Matcher event = EVENT.matcher(firstLine);
      if (event.find()) {
        String name = event.group(3);
        if (name.equals("ChangeCipherSpec")) {
          continue; // A compatibility record in TLS 1.3 and a record-layer signal in 1.2, not a handshake message.
        }
        Direction direction = event.group(1).equals("Produced") ? Direction.CLIENT_TO_SERVER : Direction.SERVER_TO_CLIENT;
        List<String> subjects = new ArrayList<>();
        if (name.equals("Certificate")) {
          Matcher subject = SUBJECT.matcher(parameters);
          while (subject.find()) {
            subjects.add(subject.group(1));
          }
        }
        steps.add(new Step(direction, name, subjects, null));
      } else if (firstLine.startsWith("Received alert message")) {
        Matcher alert = ALERT.matcher(parameters);
        steps.add(new Step(Direction.SERVER_TO_CLIENT, "Alert", List.of(), alert.find() ? alert.group(1) : null));
      } else if (firstLine.startsWith("Fatal (") && steps.stream().noneMatch(s -> s.message().equals("Alert"))) {
        Matcher fatal = FATAL.matcher(firstLine);
        if (fatal.find()) {
          // The connection failed without an alert from the server (e.g. a reset): say so, in the client's words.
          steps.add(new Step(Direction.SERVER_TO_CLIENT, "ConnectionFailure", List.of(), fatal.group(2).trim()));
        }
      }
    }
    return new HandshakeTrace(steps);
  }

  private static String parameters(LogRecord record) {
    StringBuilder out = new StringBuilder();
    if (record.getParameters() != null) {
      for (Object parameter : record.getParameters()) {
        out.append(parameter).append('\n');
      }
    }
    return out.toString();
  }
}
