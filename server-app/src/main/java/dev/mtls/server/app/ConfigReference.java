package dev.mtls.server.app;

import dev.mtls.pki.material.settings.Setting;

/**
 * The table of every configuration key, made from the settings' declarations, as the operators' configuration
 * reference shows it: a test keeps the reference in the docs equal to this, so the docs cannot drift from the code.
 */
final class ConfigReference {
  private ConfigReference() {}

  static String table() {
    StringBuilder table = new StringBuilder("| key | value | meaning | default |\n|---|---|---|---|\n");
    for (Setting<?> setting : ServerConfig.keys()) {
      table.append("| `").append(setting.key()).append("` | `").append(cell(setting.type().label())).append("` | ")
          .append(cell(setting.doc())).append(" | ").append(cell(defaultText(setting))).append(" |\n");
    }
    return table.toString();
  }

  /** A table cell: a pipe would end it, even inside a code span. */
  private static String cell(String text) {
    return text.replace("|", "\\|");
  }

  private static String defaultText(Setting<?> setting) {
    return setting.defaultValue() == null ? setting.defaultText() : "`" + setting.defaultText() + "`";
  }
}
