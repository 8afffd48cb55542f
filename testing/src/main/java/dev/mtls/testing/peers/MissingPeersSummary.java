package dev.mtls.testing.peers;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.TestPlan;

/**
 * Sums up, at the end of a module's tests, what was skipped for want of a peer, in one line on the console:
 * {@code 7 tests skipped: nginx, chromium not installed; scripts/install-peers installs them}. Registered with the
 * JUnit Platform through {@code META-INF/services}, so every module that tests with the kit has it.
 */
public final class MissingPeersSummary implements TestExecutionListener {
  private final Map<String, AtomicInteger> skipped = new TreeMap<>();
  private final AtomicInteger tests = new AtomicInteger();
  private TestPlan plan;

  @Override
  public void testPlanExecutionStarted(TestPlan testPlan) {
    this.plan = testPlan;
  }

  @Override
  public void executionFinished(TestIdentifier identifier, TestExecutionResult result) {
    if (result.getStatus() != TestExecutionResult.Status.ABORTED
        || !(result.getThrowable().orElse(null) instanceof PeerMissing missing)) {
      return;
    }
    long count = identifier.isTest() ? 1 : plan.getDescendants(identifier).stream()
        .filter(TestIdentifier::isTest).count();
    // A class skipped whole reports no test of its own; count at least one so it is not lost.
    tests.addAndGet((int) Math.max(1, count));
    missing.peers().forEach(peer -> skipped.computeIfAbsent(peer.displayName(), name -> new AtomicInteger())
        .addAndGet((int) Math.max(1, count)));
  }

  @Override
  public void testPlanExecutionFinished(TestPlan testPlan) {
    if (skipped.isEmpty()) {
      return;
    }
    String line = tests.get() + " test" + (tests.get() == 1 ? "" : "s") + " skipped: "
        + String.join(", ", skipped.keySet()) + " not installed; " + Peer.INSTALL_HINT;
    // Surefire may send System.out to a report file; the console is what a person reads.
    MissingPeersReport.print(line);
  }
}
