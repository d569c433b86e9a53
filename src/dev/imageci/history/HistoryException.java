package dev.imageci.history;

/** The history store could not be reached or refused an operation. */
public class HistoryException extends Exception {

  private static final long serialVersionUID = 1L;

  public HistoryException(String message, Throwable cause) {
    super(message, cause);
  }

  public HistoryException(String message) {
    super(message);
  }
}
