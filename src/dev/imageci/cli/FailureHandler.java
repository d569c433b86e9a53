package dev.imageci.cli;

import dev.imageci.config.ConfigException;
import dev.imageci.config.Problem;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.ParseResult;

/**
 * Turns an exception from a command into messages and an exit status. An invalid config prints one
 * line per problem and exits 2; anything else prints what failed and exits 1. Stack traces only
 * with {@code IMAGECI_DEBUG=1}.
 */
final class FailureHandler implements IExecutionExceptionHandler {

  private final boolean debug;

  FailureHandler(Map<String, String> env) {
    this.debug = "1".equals(env.get("IMAGECI_DEBUG"));
  }

  @Override
  public int handleExecutionException(Exception e, CommandLine commandLine, ParseResult parsed) {
    var err = commandLine.getErr();
    if (e instanceof ConfigException invalid) {
      for (Problem problem : invalid.problems()) {
        err.println(invalid.source() + ": " + problem);
      }
      err.flush();
      return ImageCi.EXIT_INVALID;
    }
    err.println("imageci: " + (e.getMessage() == null ? e.toString() : e.getMessage()));
    if (debug) {
      e.printStackTrace(err);
    }
    err.flush();
    return ImageCi.EXIT_FAILED;
  }
}
