package dev.imageci.context;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/** A stream that fails instead of giving more than a set number of bytes. */
final class CappedInputStream extends FilterInputStream {

  private static final int SKIP_BUFFER = 64 * 1024;

  private final long cap;
  private final String what;
  private final String variable;
  private long count;

  /**
   * @param cap the most bytes read through this stream
   * @param what what the bytes are, for the message: "the uncompressed archive"
   * @param variable the environment variable that sets the cap, or null
   */
  CappedInputStream(InputStream in, long cap, String what, String variable) {
    super(in);
    this.cap = cap;
    this.what = what;
    this.variable = variable;
  }

  long count() {
    return count;
  }

  @Override
  public int read() throws IOException {
    int read = super.read();
    if (read >= 0) {
      add(1);
    }
    return read;
  }

  @Override
  public int read(byte[] buffer, int offset, int length) throws IOException {
    int read = super.read(buffer, offset, length);
    if (read > 0) {
      add(read);
    }
    return read;
  }

  /** Skips by reading, so that every byte still passes the streams below (a digest, a copy). */
  @Override
  public long skip(long n) throws IOException {
    if (n <= 0) {
      return 0;
    }
    byte[] scratch = new byte[(int) Math.min(n, SKIP_BUFFER)];
    long skipped = 0;
    while (skipped < n) {
      int read = read(scratch, 0, (int) Math.min(scratch.length, n - skipped));
      if (read < 0) {
        break;
      }
      skipped += read;
    }
    return skipped;
  }

  @Override
  public boolean markSupported() {
    return false;
  }

  private void add(long bytes) throws LimitExceededException {
    count += bytes;
    if (count > cap) {
      throw new LimitExceededException(
          what + " is larger than the limit of " + cap + " bytes" + RootfsPolicy.hint(variable));
    }
  }

  /** The cap was passed; the message says which one. */
  static final class LimitExceededException extends IOException {
    private static final long serialVersionUID = 1L;

    LimitExceededException(String message) {
      super(message);
    }
  }
}
