package dev.imageci.context;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * Writes every byte read through it to {@code copy}, so that a check reading the bytes and their
 * copy to a file or the build context take a single pass.
 */
final class CopyingInputStream extends FilterInputStream {
  private final OutputStream copy;

  CopyingInputStream(InputStream in, OutputStream copy) {
    super(in);
    this.copy = copy;
  }

  @Override
  public int read() throws IOException {
    int read = super.read();
    if (read >= 0) {
      copy.write(read);
    }
    return read;
  }

  @Override
  public int read(byte[] buffer, int offset, int length) throws IOException {
    int read = super.read(buffer, offset, length);
    if (read > 0) {
      copy.write(buffer, offset, read);
    }
    return read;
  }

  @Override
  public long skip(long n) throws IOException {
    throw new IOException("skipping would leave a hole in the copy");
  }
}
