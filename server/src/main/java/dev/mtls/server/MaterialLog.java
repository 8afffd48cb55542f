package dev.mtls.server;

import dev.mtls.pki.material.reload.MaterialEvent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Logs material loads and reloads: applied at INFO, refused at WARN (and at DEBUG while it stays the same). */
final class MaterialLog implements ServerListener {
  private static final Logger LOG = LoggerFactory.getLogger(MaterialLog.class);

  @Override
  public void materialChanged(MaterialEvent event) {
    if (event.applied()) {
      LOG.info("loaded {}: {}", event.unit(), event.detail());
    } else if (event.repeated()) {
      LOG.debug("still refusing the replacement {}: {}", event.unit(), event.detail());
    } else {
      LOG.warn("kept the material in service; refused the replacement {}: {}", event.unit(), event.detail());
    }
  }
}
