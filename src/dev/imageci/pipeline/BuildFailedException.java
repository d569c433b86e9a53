package dev.imageci.pipeline;

/** A step that failed for a reason the user can act on; the message says which and why. */
public class BuildFailedException extends Exception {

  private static final long serialVersionUID = 1L;

  public BuildFailedException(String message) {
    super(message);
  }

  public BuildFailedException(String message, Throwable cause) {
    super(message, cause);
  }
}
