package dev.mtls.pki.material.renewal;

/** Told every {@link RenewalEvent}, on the renewal's own thread; must be quick and should not throw. */
@FunctionalInterface
public interface RenewalListener {
  void onRenewalEvent(RenewalEvent event);
}
