package dev.imageci.docker;

/** A registry call (reading or writing a manifest) that failed. */
public class RegistryException extends Exception {

  private static final long serialVersionUID = 1L;

  public RegistryException(String message, Throwable cause) {
    super(message, cause);
  }

  public RegistryException(String message) {
    super(message);
  }
}
