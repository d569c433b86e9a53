package dev.imageci.cli;

import picocli.CommandLine;
import picocli.CommandLine.IParameterExceptionHandler;
import picocli.CommandLine.ParameterException;

/** A wrong option or argument: say what was wrong, point at --help, exit 2. */
final class UsageHandler implements IParameterExceptionHandler {

  @Override
  public int handleParseException(ParameterException e, String[] args) {
    CommandLine commandLine = e.getCommandLine();
    commandLine.getErr().println("imageci: " + e.getMessage());
    commandLine
        .getErr()
        .println("Try '" + commandLine.getCommandSpec().qualifiedName() + " --help'.");
    commandLine.getErr().flush();
    return ImageCi.EXIT_INVALID;
  }
}
