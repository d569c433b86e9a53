package dev.imageci.docker;

/** An operation stopped because it was cancelled (a signal) or ran out of time. */
public class CancelledException extends Exception {

  private static final long serialVersionUID = 1L;

  private final boolean timedOut;

  public CancelledException(String message, boolean timedOut) {
    super(message);
    this.timedOut = timedOut;
  }

  public boolean timedOut() {
    return timedOut;
  }
}
