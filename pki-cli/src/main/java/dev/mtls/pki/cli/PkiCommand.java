package dev.mtls.pki.cli;

import dev.mtls.pki.RequestRefusedException;
import dev.mtls.pki.material.KeyEncryption;
import dev.mtls.pki.material.KeyMaterialException;
import java.io.UncheckedIOException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code java -jar pki-cli/target/mtls-pki.jar COMMAND}: a two-tier CA for learning and testing mTLS. */
@Command(name = "mtls-pki", mixinStandardHelpOptions = true, version = "mtls-pki 0.1.0",
    description = "A two-tier CA (root + intermediate) for mutual TLS: issue, sign CSRs, revoke, publish, inspect, verify.",
    subcommands = {InitCommand.class, IssueCommand.class, CsrCommand.class, SignCommand.class, RevokeCommand.class,
        CrlCommand.class, OcspCommand.class, ServeCommand.class, TokenCommand.class, RenewCommand.class, Pkcs12Command.class, ListCommand.class, InspectCommand.class, VerifyCommand.class,
        DemoCommand.class, CommandLine.HelpCommand.class},
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {"0:success", "1:the operation failed (the message says why)", "2:usage error",
        "3:verify: the certificate is not valid"})
public final class PkiCommand implements Runnable {
  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  /** What encrypting a key costs; the subcommands that write keys read it from here. */
  private final KeyEncryption keyEncryption;

  private PkiCommand(KeyEncryption keyEncryption) {
    this.keyEncryption = keyEncryption;
  }

  KeyEncryption keyEncryption() {
    return keyEncryption;
  }

  /** The top command of {@code command}'s command line. */
  static PkiCommand of(CommandLine.Model.CommandSpec command) {
    return (PkiCommand) command.root().userObject();
  }

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "a command is required");
  }

  public static void main(String[] args) {
    if (System.getProperty("logback.configurationFile") == null) {
      System.setProperty("logback.configurationFile", "mtls-pki-logback.xml");
    }
    CommandLine commandLine = commandLine();
    int code = commandLine.execute(args);
    commandLine.getOut().flush();
    commandLine.getErr().flush();
    System.exit(code);
  }

  /** The configured command line. */
  public static CommandLine commandLine() {
    return commandLine(KeyEncryption.STANDARD);
  }

  /**
   * The configured command line, encrypting keys at {@code cost}: tests run commands in-process with
   * {@link KeyEncryption#forTests()}.
   */
  public static CommandLine commandLine(KeyEncryption cost) {
    CommandLine commandLine = new CommandLine(new PkiCommand(cost));
    commandLine.setExecutionExceptionHandler((e, cl, parsed) -> {
      // Expected failures are one line; anything else is a bug and keeps its stack trace.
      if (e instanceof KeyMaterialException || e instanceof RequestRefusedException
          || e instanceof IllegalArgumentException || e instanceof IllegalStateException
          || e instanceof UncheckedIOException) {
        cl.getErr().println("error: " + e.getMessage());
        return 1;
      }
      throw e;
    });
    return commandLine;
  }
}
