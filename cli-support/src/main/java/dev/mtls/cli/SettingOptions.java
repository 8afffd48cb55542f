package dev.mtls.cli;

import dev.mtls.pki.material.SafeText;
import dev.mtls.pki.material.settings.Setting;
import dev.mtls.pki.material.settings.SettingValues;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * Command-line options made from settings' declarations: {@code --key VALUE} for each, with the declared syntax,
 * meaning and default in its help; an on/off setting given without a value is on; a list may be given as
 * {@code a,b} or by repeating the option. After parsing, the values given are read as each setting declares, and a
 * value that does not read is reported as {@code --key 'value': what is expected}.
 */
public final class SettingOptions implements SettingValues {
  private final Map<Setting<?>, OptionSpec> options = new LinkedHashMap<>();

  private SettingOptions() {}

  /** Adds an option for each of {@code settings} to {@code spec}. */
  public static SettingOptions addTo(CommandSpec spec, List<Setting<?>> settings) {
    SettingOptions added = new SettingOptions();
    for (Setting<?> setting : settings) {
      OptionSpec option = option(setting);
      spec.addOption(option);
      added.options.put(setting, option);
    }
    return added;
  }

  private static OptionSpec option(Setting<?> setting) {
    OptionSpec.Builder option = OptionSpec.builder(setting.option())
        .paramLabel(setting.type().label().replace("[,...]", ""))
        .description(setting.doc() + " (default: " + setting.defaultText() + ")");
    if (setting.type().repeatable()) {
      return option.type(String[].class).splitRegex(",").build();
    }
    if (setting.type().flagValue() != null) {
      option.arity("0..1").fallbackValue(setting.type().flagValue());
    }
    return option.type(String.class).build();
  }

  /** The settings given, as the text written: what a configuration file would say for them. */
  public Map<String, String> given() {
    Map<String, String> given = new LinkedHashMap<>();
    options.forEach((setting, option) -> text(option).ifPresent(text -> given.put(setting.key(), text)));
    return given;
  }

  /**
   * The value given for {@code setting}, read as it declares (paths relative to the working directory); a value that
   * does not read throws an {@link IllegalArgumentException} naming the option, the value and what is expected.
   */
  @Override
  public <T> Optional<T> get(Setting<T> setting) {
    OptionSpec option = options.get(setting);
    Optional<String> text = option == null ? Optional.empty() : text(option);
    if (text.isEmpty()) {
      return Optional.empty();
    }
    try {
      return Optional.of(setting.parse(text.get(), null));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(setting.option() + " '" + SafeText.escape(text.get()) + "': "
          + e.getMessage(), e);
    }
  }

  private static Optional<String> text(OptionSpec option) {
    Object value = option.getValue();
    if (value instanceof String[] items) {
      return items.length == 0 ? Optional.empty() : Optional.of(String.join(",", items));
    }
    return Optional.ofNullable((String) value);
  }
}
