package dev.imageci.context;

/** A rootfs archive that cannot be used: unreadable, not what its sha256 says, or unsafe. */
public class RootfsException extends Exception {

  private static final long serialVersionUID = 1L;

  public RootfsException(String message) {
    super(message);
  }

  public RootfsException(String message, Throwable cause) {
    super(message, cause);
  }
}
