package dev.mtls.pki.material.reload;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Logs material loads and reloads, the same way for server and client: applied at INFO, refused at WARN, and a
 * refusal that stays the same (the file is still broken) at DEBUG, so a broken file does not fill the log.
 */
public final class MaterialLog implements MaterialListener {
  private static final Logger LOG = LoggerFactory.getLogger(MaterialLog.class);

  @Override
  public void onMaterialEvent(MaterialEvent event) {
    if (event.applied()) {
      LOG.info("loaded {}: {}", event.unit(), event.detail());
    } else if (event.repeated()) {
      LOG.debug("still refusing the replacement {}: {}", event.unit(), event.detail());
    } else {
      LOG.warn("kept the material in service; refused the replacement {}: {}", event.unit(), event.detail());
    }
  }
}
