package dev.mtls.testing.peers;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A third-party program the tests run as a real peer of the project's server and client. A test that needs one
 * says so with {@link RequiresPeer}; on a machine without it the test is skipped (and summed up at the end of the
 * run), unless peers are required ({@code MTLS_PEERS=required}, as in CI), where a missing peer fails the test.
 * {@code scripts/install-peers} installs them all on Debian and Ubuntu.
 */
public enum Peer {
  OPENSSL("openssl", "openssl"),
  CURL("curl", "curl"),
  NGINX("nginx", "nginx-light"),
  /** nginx's stream module, for the L4 balancer examples (a loadable module of Debian's nginx). */
  NGINX_STREAM(null, "libnginx-mod-stream", "/usr/lib/nginx/modules/ngx_stream_module.so"),
  HAPROXY("haproxy", "haproxy"),
  CHROMIUM("chromium", "chromium"),
  CERTUTIL("certutil", "libnss3-tools"),
  PK12UTIL("pk12util", "libnss3-tools"),
  AB("ab", "apache2-utils"),
  /** An HTTP/2-only client from the nghttp2 project, with client certificates ({@code --cert/--key}). */
  NGHTTP("nghttp", "nghttp2-client");

  /** The environment variable (or system property {@code mtls.peers}) that makes a missing peer a failure. */
  public static final String REQUIRED_SWITCH = "MTLS_PEERS";
  /** What to run to install every peer. */
  public static final String INSTALL_HINT = "scripts/install-peers installs them";

  private final String program;
  private final String debianPackage;
  private final String file;

  Peer(String program, String debianPackage) {
    this(program, debianPackage, null);
  }

  Peer(String program, String debianPackage, String file) {
    this.program = program;
    this.debianPackage = debianPackage;
    this.file = file;
  }

  /** The name a person knows it by: the program, or the package for a module. */
  public String displayName() {
    return program != null ? program : debianPackage;
  }

  public String debianPackage() {
    return debianPackage;
  }

  /** Where it is installed, if it is: on PATH or in an sbin directory (nginx and haproxy live in /usr/sbin). */
  public Optional<Path> find() {
    if (file != null) {
      Path path = Path.of(file);
      return Files.isRegularFile(path) ? Optional.of(path) : Optional.empty();
    }
    List<String> directories = new ArrayList<>(List.of(System.getenv().getOrDefault("PATH", "")
        .split(java.io.File.pathSeparator)));
    directories.addAll(List.of("/usr/sbin", "/usr/local/sbin", "/sbin"));
    boolean windows = System.getProperty("os.name").startsWith("Windows");
    for (String directory : directories) {
      if (directory.isEmpty()) {
        continue;
      }
      Path candidate = Path.of(directory, windows ? program + ".exe" : program);
      // A regular file only: a peer hidden by a bind mount of /dev/null over it counts as missing.
      if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
        return Optional.of(candidate);
      }
    }
    return Optional.empty();
  }

  public boolean isInstalled() {
    return find().isPresent();
  }

  /**
   * The program's absolute path, for a test that declared it with {@link RequiresPeer} (which has already skipped
   * or failed the test when it is missing); anywhere else a missing peer fails with how to install it.
   */
  public String path() {
    return find().map(Path::toString).orElseThrow(() -> new AssertionError(displayName() + " is not installed"
        + " (apt-get install " + debianPackage + "); " + INSTALL_HINT + ". Declare it with @RequiresPeer so that"
        + " a machine without it skips the test."));
  }

  /** Runs this program in {@code directory} with {@code arguments}, without input, for at most 30 seconds. */
  public ExternalProcess.Result run(Path directory, String... arguments) {
    List<String> command = new ArrayList<>();
    command.add(path());
    command.addAll(List.of(arguments));
    return ExternalProcess.run(command, java.util.Map.of(), null, directory, java.time.Duration.ofSeconds(30));
  }

  /**
   * Skips the calling test when one of {@code peers} is not installed (counted in the run's summary), or fails it
   * when this run requires every peer. For tests that learn their peers as they run; others say
   * {@link RequiresPeer}.
   */
  public static void assumeInstalled(java.util.Collection<Peer> peers) {
    List<Peer> missing = peers.stream().filter(peer -> !peer.isInstalled()).toList();
    if (missing.isEmpty()) {
      return;
    }
    if (required()) {
      throw new AssertionError(PeerMissing.names(missing) + " not installed, and this run requires every peer ("
          + REQUIRED_SWITCH + "=required): apt-get install " + String.join(" ", missing.stream()
          .map(Peer::debianPackage).distinct().toList()));
    }
    throw new PeerMissing(missing);
  }

  /** Whether this run treats a missing peer as a failure ({@code MTLS_PEERS=required}). */
  public static boolean required() {
    String value = System.getProperty("mtls.peers", System.getenv(REQUIRED_SWITCH));
    return "required".equalsIgnoreCase(value);
  }
}
