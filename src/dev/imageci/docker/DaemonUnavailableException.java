package dev.imageci.docker;

/**
 * The Docker daemon could not be reached, or went away (stopped or restarted) during an operation:
 * the fault is the daemon's, not the user's command.
 */
public class DaemonUnavailableException extends DockerException {

  private static final long serialVersionUID = 1L;

  public DaemonUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}
