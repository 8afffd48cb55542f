package dev.mtls.testing;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.util.Arrays;
import java.util.Objects;

/**
 * CPU time the live threads of this JVM whose names start with a prefix have used so far ({@code "XNIO-"}: a
 * server's I/O and worker threads), to bound what an attack costs a server in the same JVM as its attackers. Tests
 * of modules with a module-info use it from here, so they need not read {@code java.management}.
 */
public final class ThreadCpu {
  private ThreadCpu() {}

  public static Duration used(String threadNamePrefix) {
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    return Duration.ofNanos(Arrays.stream(threads.getThreadInfo(threads.getAllThreadIds()))
        .filter(Objects::nonNull).filter(info -> info.getThreadName().startsWith(threadNamePrefix))
        .mapToLong(ThreadInfo::getThreadId).map(threads::getThreadCpuTime).filter(nanos -> nanos > 0).sum());
  }
}
