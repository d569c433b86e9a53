package dev.imageci.docker;

/** Registry credentials that were asked for but could not be read. */
public class CredentialException extends Exception {

  private static final long serialVersionUID = 1L;

  public CredentialException(String message) {
    super(message);
  }

  public CredentialException(String message, Throwable cause) {
    super(message, cause);
  }
}
