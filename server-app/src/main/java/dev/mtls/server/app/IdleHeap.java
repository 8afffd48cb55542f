package dev.mtls.server.app;

import com.sun.management.HotSpotDiagnosticMXBean;
import com.sun.management.VMOption;
import java.lang.management.ManagementFactory;
import java.time.Duration;

/**
 * Lets the JVM give heap back to the operating system once the server is idle. Under load G1 grows its heap (up to a
 * quarter of the machine's memory by default) and keeps what it grew until a collection shrinks it, which an idle
 * server never triggers; a periodic collection when none ran for {@link #INTERVAL} (JEP 346) does. On the bench
 * machine (Temurin 25) a server left at 389-547 MB after a load was at 143-172 MB 6-15 s later. An idle server then
 * runs one short concurrent cycle every interval. Set only when the operator did not choose
 * the interval ({@code -XX:G1PeriodicGCInterval}), and only by the runnable jar: a service that embeds the server
 * library runs its own JVM.
 */
final class IdleHeap {
  static final Duration INTERVAL = Duration.ofSeconds(5);
  private static final String FLAG = "G1PeriodicGCInterval";

  private IdleHeap() {}

  /** Sets the periodic collection's interval unless the operator chose one; whether it did. */
  static boolean release(Duration interval) {
    HotSpotDiagnosticMXBean vm = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
    if (vm == null) {
      return false; // not HotSpot
    }
    try {
      VMOption option = vm.getVMOption(FLAG);
      if (option.getOrigin() != VMOption.Origin.DEFAULT) {
        return false;
      }
      vm.setVMOption(FLAG, Long.toString(interval.toMillis()));
      return true;
    } catch (IllegalArgumentException e) {
      return false; // a JVM built without G1
    }
  }

  /** The interval in effect, in milliseconds, or -1 when the JVM has none. */
  static long interval() {
    HotSpotDiagnosticMXBean vm = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
    try {
      return vm == null ? -1 : Long.parseLong(vm.getVMOption(FLAG).getValue());
    } catch (IllegalArgumentException e) {
      return -1;
    }
  }
}
