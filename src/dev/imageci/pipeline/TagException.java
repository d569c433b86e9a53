package dev.imageci.pipeline;

/** The form's tags could not be turned into real ones. */
public class TagException extends Exception {

  private static final long serialVersionUID = 1L;

  public TagException(String message) {
    super(message);
  }

  public TagException(String message, Throwable cause) {
    super(message, cause);
  }
}
