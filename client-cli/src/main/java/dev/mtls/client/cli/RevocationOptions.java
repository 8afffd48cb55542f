package dev.mtls.client.cli;

import dev.mtls.cli.SettingOptions;
import dev.mtls.pki.material.revocation.OnlineRevocation;
import dev.mtls.pki.material.revocation.RevocationSettings;
import dev.mtls.pki.material.settings.SettingException;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;

/**
 * The client's revocation options, and the one method that turns them into its revocation configuration. The online
 * sources are the server's settings, declared once in {@link RevocationSettings}: the same names, syntax and
 * defaults here as in the server's configuration file.
 */
final class RevocationOptions {
  @Option(names = "--require-stapled-ocsp", description = "Refuse a server that staples no OCSP response for its "
      + "certificate (must-staple). A stapled response is checked either way.")
  boolean requireStapledOcsp;

  private SettingOptions settings;

  /**
   * How the client learns whether a server's certificate is revoked.
   *
   * @param source             where to ask about a certificate the server stapled no answer for; null: nowhere
   * @param requireStapledOcsp whether a server must staple an OCSP response
   */
  record Revocation(OnlineRevocation source, boolean requireStapledOcsp) {}

  /** Adds the options of the online sources, made from their declarations. */
  void addOptionsTo(CommandSpec spec) {
    settings = SettingOptions.addTo(spec, RevocationSettings.ALL);
  }

  /** The configuration the options ask for; one that makes no sense is a usage error naming the option. */
  Revocation revocation(CommandLine commandLine) {
    try {
      return new Revocation(RevocationSettings.source(settings, false).orElse(null), requireStapledOcsp);
    } catch (SettingException e) {
      throw new CommandLine.ParameterException(commandLine, e.setting().option() + ": " + e.getMessage());
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(commandLine, e.getMessage());
    }
  }
}
