package dev.imageci.docker;

import com.github.dockerjava.api.async.ResultCallback;
import java.io.Closeable;
import java.io.IOException;

/**
 * A daemon response stream that records its failure instead of logging it (the template logs a
 * stack trace at error level), and that closes itself as soon as it starts when it was cancelled
 * before the daemon answered (for a build, while the context was still uploading).
 */
abstract class DaemonStream<T> extends ResultCallback.Adapter<T> {

  private volatile Throwable failure;
  private volatile boolean cancelled;

  @Override
  public void onStart(Closeable stream) {
    super.onStart(stream);
    if (cancelled) {
      closeQuietly();
    }
  }

  @Override
  public void onError(Throwable throwable) {
    if (failure == null && !cancelled) {
      failure = throwable;
    }
    closeQuietly();
  }

  @Override
  public void close() throws IOException {
    cancelled = true;
    super.close();
  }

  /** The transport failure that ended the stream, or null. */
  Throwable failure() {
    return failure;
  }

  private void closeQuietly() {
    try {
      super.close();
    } catch (IOException e) {
      // The connection is already gone.
    }
  }
}
