package dev.imageci.cli;

import dev.imageci.docker.CancelSignal;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What one run of the command line gets from whoever started it: the environment, the working
 * directory and a way to hear that it should stop. A process takes them from itself; the resident
 * process (see {@code dev.imageci.resident}) takes them from the client that asked, so nothing a
 * command reads may come from {@code System.getenv()} or the JVM's working directory.
 *
 * @param env the caller's environment, read-only
 * @param workingDirectory absolute; relative paths on the command line are resolved against it
 * @param cancellation how a cancel from outside (SIGTERM, a client going away) reaches a build
 */
public record Invocation(
    Map<String, String> env, Path workingDirectory, Cancellation cancellation) {

  /** Environment variables holding paths, resolved against the caller's working directory. */
  private static final List<String> PATH_VARIABLES =
      List.of("IMAGECI_HOME", "DOCKER_CONFIG", "DOCKER_CERT_PATH", "HOME");

  public Invocation {
    env = Map.copyOf(env);
    if (!workingDirectory.isAbsolute()) {
      throw new IllegalArgumentException(
          "the working directory must be absolute (got \"" + workingDirectory + "\")");
    }
  }

  /** This process: its environment, its working directory, SIGTERM and SIGINT. */
  public static Invocation ofProcess() {
    return new Invocation(System.getenv(), Path.of("").toAbsolutePath(), Signals::onTermination);
  }

  /**
   * A caller elsewhere: path-valued variables that are relative ({@code IMAGECI_HOME=.imageci}) are
   * made absolute against its working directory, as its own process would have read them.
   */
  public static Invocation ofCaller(
      Map<String, String> env, Path workingDirectory, Cancellation cancellation) {
    Map<String, String> resolved = new HashMap<>(env);
    for (String name : PATH_VARIABLES) {
      String value = resolved.get(name);
      if (value != null && !value.isBlank() && !Path.of(value).isAbsolute()) {
        resolved.put(name, workingDirectory.resolve(value).normalize().toString());
      }
    }
    return new Invocation(resolved, workingDirectory, cancellation);
  }

  /** {@code path} as the caller meant it: relative ones against its working directory. */
  public Path resolve(Path path) {
    return workingDirectory.resolve(path);
  }

  /** Delivers a cancel from outside to a running build until closed. */
  @FunctionalInterface
  public interface Cancellation {
    /** No cancel ever comes from outside. */
    Cancellation NONE = cancel -> () -> {};

    Watch watch(CancelSignal cancel);
  }

  /** Stops delivering cancels. */
  @FunctionalInterface
  public interface Watch extends AutoCloseable {
    @Override
    void close();
  }
}
