package dev.mtls.pki.material.settings;

/**
 * Settings that cannot be used together, or a value a setting's user refuses (a URL of the wrong scheme): the
 * message says what is wrong; whoever read the values adds where the setting was given (file and line, option).
 */
public final class SettingException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  private final transient Setting<?> setting;

  public SettingException(Setting<?> setting, String message) {
    super(message);
    this.setting = setting;
  }

  /** The setting the problem is about. */
  public Setting<?> setting() {
    return setting;
  }
}
