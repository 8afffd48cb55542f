package dev.mtls.client.cli;

import dev.mtls.client.HttpVersion;
import dev.mtls.client.MtlsClient;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;
import org.apache.hc.core5.http.ClassicHttpRequest;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/** The small load generator: the request sent N times over C threads, reported as a rate and handshake counts. */
final class LoadOptions {
  /** One request a microsecond: beyond it, the wait between requests is below what the JVM can time. */
  private static final int MAX_RATE = 1_000_000;

  @Option(names = "--repeat", paramLabel = "N", description = "Send the request N times and report requests/s "
      + "and handshakes instead of the body.")
  int repeat = 1;

  @Option(names = "--warmup", paramLabel = "N", description = "With --repeat: send N requests first, not counted, "
      + "as fast as they go, so the figures are those of a warmed-up JVM. Default: 0.")
  int warmup;

  @Option(names = "--concurrency", paramLabel = "C", description = "With --repeat: C requests at a time: C threads "
      + "with a connection each, or with --http2 C streams on one connection. Default: 1.")
  int concurrency = 1;

  @Option(names = "--rate", paramLabel = "R", description = "With --repeat: start R requests a second, whatever "
      + "the answers do (below what the server can take, to see its latency rather than its limit); each request's "
      + "latency counts from when it was due. Default: each as soon as the one before it ended.")
  int rate;

  /** Refuses counts that make no sense, and a load run together with {@code --trace} ({@code tracing}). */
  void validate(CommandLine commandLine, boolean tracing) {
    if (repeat < 1 || concurrency < 1 || concurrency > repeat && repeat > 1) {
      throw new CommandLine.ParameterException(commandLine, "need --repeat >= 1 and 1 <= --concurrency <= --repeat");
    }
    if (warmup < 0 || warmup > 0 && repeat == 1) {
      throw new CommandLine.ParameterException(commandLine, "--warmup N (N >= 0) goes with --repeat");
    }
    if (tracing && repeat > 1) {
      throw new CommandLine.ParameterException(commandLine, "--trace shows one request's handshake; drop --repeat");
    }
    if (concurrency > 1 && repeat == 1) {
      throw new CommandLine.ParameterException(commandLine, "--concurrency needs --repeat");
    }
    if (rate < 0 || rate > MAX_RATE || rate > 0 && repeat == 1) {
      throw new CommandLine.ParameterException(commandLine, "--rate R (1 <= R <= " + MAX_RATE + ") goes with --repeat");
    }
  }

  /** Whether a load run was asked for, instead of one request. */
  boolean isLoadRun() {
    return repeat > 1;
  }

  /** The HTTP versions the responses came over: {@code HTTP/2}, or each with its count when they differ. */
  private static String protocols(Map<HttpVersion, Integer> versions) {
    List<String> used = new ArrayList<>();
    versions.forEach((version, count) -> used.add((version == HttpVersion.HTTP_2 ? "HTTP/2" : "HTTP/1.1")
        + (versions.size() > 1 ? " x" + count : "")));
    return used.isEmpty() ? "none (no response)" : String.join(", ", used);
  }

  /** Connections the client may open: one per thread. */
  int connections() {
    return Math.max(1, concurrency);
  }

  /**
   * Runs the warm-up and the counted requests, {@code async}ly (the --http2 way: requests in flight through the
   * async client) or on threads; prints the figures and returns the exit code.
   */
  int run(MtlsClient client, Supplier<ClassicHttpRequest> request, boolean async, PrintWriter out, PrintWriter err)
      throws Exception {
    if (warmup > 0) {
      new LoadRun(client, request, warmup, concurrency, async, 0).run(); // as fast as it goes: it is for the JIT
    }
    LoadRun.Result result = new LoadRun(client, request, repeat, concurrency, async, rate).run();
    out.printf(Locale.ROOT, "%d requests, concurrency %d, in %.3f s: %.1f requests/s%n", repeat, concurrency,
        result.seconds(), repeat / result.seconds());
    result.cpuNanos().ifPresent(cpu -> out.printf(Locale.ROOT, "client CPU: %.1f us per request (the process)%n",
        cpu / 1e3 / repeat));
    out.printf(Locale.ROOT, "handshakes: %d (full: %d, resumed: %d)%n", client.handshakes(),
        client.fullHandshakes(), client.handshakes() - client.fullHandshakes());
    out.println("statuses: " + result.statuses() + (result.failures().isEmpty() ? ""
        : ", failures: " + result.failures().size()));
    out.println("protocol: " + protocols(result.versions()));
    out.println("latency: " + result.latencies().summary() + (rate > 0
        ? String.format(Locale.ROOT, " (at %d requests/s, from when each was due)", rate)
        : " (from each request's start)"));
    out.flush();
    if (!result.failures().isEmpty()) {
      return ClientCommand.report(result.failures().get(0), err);
    }
    return result.statuses().keySet().stream().anyMatch(status -> status >= 400) ? ClientCommand.HTTP_ERROR
        : ClientCommand.OK;
  }
}
