package dev.imageci.docker;

import java.io.Closeable;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Stops running daemon operations when a build is cancelled or times out. An operation registers
 * the stream it reads; cancelling closes it, and closing a build's connection makes the classic
 * builder cancel the build and remove its container.
 */
public final class CancelSignal {

  private final List<Closeable> streams = new ArrayList<>();
  private String reason;
  private boolean timedOut;

  /** Cancels everything running now and anything started later. */
  public void cancel(String why, boolean becauseOfTimeout) {
    List<Closeable> toClose;
    synchronized (this) {
      if (reason != null) {
        return;
      }
      reason = why;
      timedOut = becauseOfTimeout;
      toClose = List.copyOf(streams);
    }
    toClose.forEach(CancelSignal::closeQuietly);
  }

  public synchronized boolean isCancelled() {
    return reason != null;
  }

  /** Throws when cancelled, so a step does not start work that would only be thrown away. */
  public synchronized void check() throws CancelledException {
    if (reason != null) {
      throw new CancelledException(reason, timedOut);
    }
  }

  /** Closes {@code stream} on cancel; closes it at once when already cancelled. */
  void register(Closeable stream) {
    synchronized (this) {
      if (reason == null) {
        streams.add(stream);
        return;
      }
    }
    closeQuietly(stream);
  }

  synchronized void unregister(Closeable stream) {
    streams.remove(stream);
  }

  private static void closeQuietly(Closeable stream) {
    try {
      stream.close();
    } catch (IOException | RuntimeException e) {
      // Closing is all cancelling can do; a failure here changes nothing for the caller.
    }
  }
}
