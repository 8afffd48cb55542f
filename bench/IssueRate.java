import dev.mtls.pki.CaDirectory;
import dev.mtls.pki.CertificateSpec;
import dev.mtls.pki.material.Passwords;
import java.nio.file.Path;
import java.time.Clock;

/**
 * Certificates issued per second by the pki library in one JVM: key generated, certificate signed, recorded in the
 * CA directory's index (what {@code pki issue} does, without a JVM start per certificate). Run by bench/run:
 *
 * <pre>java -cp pki-cli/target/mtls-pki.jar bench/IssueRate.java CA_DIR PASSWORD_FILE SECONDS</pre>
 */
public final class IssueRate {
  public static void main(String[] args) throws Exception {
    Path directory = Path.of(args[0]);
    char[] password = Passwords.fromFile(Path.of(args[1]));
    long seconds = Long.parseLong(args[2]);
    try (CaDirectory ca = CaDirectory.open(directory, password, Clock.systemUTC())) {
      for (int i = 0; i < 200; i++) { // warm-up: the JIT compiles the signing and encoding paths
        ca.issue(CertificateSpec.client("CN=warm-up-" + i + ",O=Bench").build());
      }
      long start = System.nanoTime();
      long deadline = start + seconds * 1_000_000_000L;
      int issued = 0;
      while (System.nanoTime() < deadline) {
        ca.issue(CertificateSpec.client("CN=bench-" + issued + ",O=Bench").build());
        issued++;
      }
      System.out.printf("%.0f certificates/s%n", issued / ((System.nanoTime() - start) / 1e9));
    }
  }
}
