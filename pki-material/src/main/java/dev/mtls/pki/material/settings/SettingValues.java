package dev.mtls.pki.material.settings;

import java.util.Optional;

/**
 * The values given for some settings, already read and checked, however they were given (a configuration file, a
 * command line, a service's own properties). What is not given is empty; its default is the setting's.
 */
@FunctionalInterface
public interface SettingValues {
  /** The value given for {@code setting}, if any. */
  <T> Optional<T> get(Setting<T> setting);

  /** The value given for {@code setting}, else its default. */
  default <T> T getOrDefault(Setting<T> setting) {
    return get(setting).orElse(setting.defaultValue());
  }

  /** Whether a value was given for {@code setting}. */
  default boolean isSet(Setting<?> setting) {
    return get(setting).isPresent();
  }
}
