package dev.imageci.docker;

/** A Docker daemon or registry operation that failed; the message says what, on what, and why. */
public class DockerException extends Exception {

  private static final long serialVersionUID = 1L;

  public DockerException(String message) {
    super(message);
  }

  public DockerException(String message, Throwable cause) {
    super(message, cause);
  }
}
