package dev.mtls.pki.material.reload;

/** Told about every load and reload outcome, on the thread that polled. */
@FunctionalInterface
public interface MaterialListener {
  void onMaterialEvent(MaterialEvent event);
}
