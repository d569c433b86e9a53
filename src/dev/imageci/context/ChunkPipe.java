package dev.imageci.context;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Hands bytes from one writer thread to one reader in whole buffers of {@value #CHUNK} bytes, so
 * both sides copy and wait once per buffer instead of once per write, and work at the same time:
 * the writer fills one buffer while the reader sends the last. A writer that fails ends the stream
 * with its exception instead of an end.
 */
final class ChunkPipe {

  static final int CHUNK = 1024 * 1024;
  private static final int IN_FLIGHT = 4;
  private static final Chunk END = new Chunk(new byte[0], 0, null);

  private final BlockingQueue<Chunk> full = new ArrayBlockingQueue<>(IN_FLIGHT + 1);
  private final BlockingQueue<byte[]> free = new ArrayBlockingQueue<>(IN_FLIGHT);
  private final Sink sink = new Sink();
  private final Source source = new Source();
  private volatile boolean readerClosed;

  ChunkPipe() {
    for (int i = 0; i < IN_FLIGHT; i++) {
      free.add(new byte[CHUNK]);
    }
  }

  /** The writer's end; {@link Sink#finish} or {@link Sink#fail} ends the stream. */
  Sink sink() {
    return sink;
  }

  /** The reader's end. */
  Source source() {
    return source;
  }

  private record Chunk(byte[] bytes, int length, IOException failure) {}

  /** What whoever takes the context out is told of a failure to write it. */
  static IOException writerFailed(Exception failure) {
    return new IOException("writing the build context failed: " + failure.getMessage(), failure);
  }

  final class Sink extends OutputStream {
    private byte[] buffer;
    private int length;
    private boolean ended;

    @Override
    public void write(int b) throws IOException {
      write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] bytes, int offset, int count) throws IOException {
      checkReader();
      while (count > 0) {
        if (buffer == null) {
          buffer = takeFree();
          length = 0;
        }
        int n = Math.min(count, buffer.length - length);
        System.arraycopy(bytes, offset, buffer, length, n);
        length += n;
        offset += n;
        count -= n;
        if (length == buffer.length) {
          handOver(new Chunk(buffer, length, null));
          buffer = null;
        }
      }
    }

    /** Hands over what is buffered and ends the stream. */
    void finish() throws IOException {
      if (buffer != null && length > 0) {
        handOver(new Chunk(buffer, length, null));
        buffer = null;
      }
      ended = true;
      handOver(END);
    }

    /** Ends the stream with {@code failure}: the reader gets the bytes so far, then it. */
    void fail(IOException failure) {
      if (ended) {
        return;
      }
      ended = true;
      try {
        if (buffer != null && length > 0) {
          handOver(new Chunk(buffer, length, null)); // what was written before the failure
          buffer = null;
        }
        handOver(new Chunk(new byte[0], 0, failure));
      } catch (IOException e) {
        // The reader has gone away; nobody is left to tell.
      }
    }

    private byte[] takeFree() throws IOException {
      try {
        byte[] next;
        while ((next = free.poll(100, TimeUnit.MILLISECONDS)) == null) {
          checkReader();
        }
        return next;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new InterruptedIOException("interrupted while writing the build context");
      }
    }

    private void handOver(Chunk chunk) throws IOException {
      try {
        while (!full.offer(chunk, 100, TimeUnit.MILLISECONDS)) {
          checkReader();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new InterruptedIOException("interrupted while writing the build context");
      }
    }

    private void checkReader() throws IOException {
      if (readerClosed) {
        throw new IOException("the build context is no longer being read");
      }
    }
  }

  final class Source extends InputStream {
    private Chunk current;
    private int position;
    private boolean ended;
    private IOException failure;

    @Override
    public int read() throws IOException {
      byte[] one = new byte[1];
      return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] bytes, int offset, int count) throws IOException {
      if (count == 0) {
        return 0;
      }
      if (!next()) {
        return -1;
      }
      int n = Math.min(count, current.length() - position);
      System.arraycopy(current.bytes(), position, bytes, offset, n);
      position += n;
      return n;
    }

    /** Writes each buffer straight to {@code out}, without copying it first. */
    @Override
    public long transferTo(OutputStream out) throws IOException {
      long total = 0;
      while (next()) {
        int n = current.length() - position;
        out.write(current.bytes(), position, n);
        position += n;
        total += n;
      }
      return total;
    }

    /** Moves to a buffer with bytes left; false at the end. */
    private boolean next() throws IOException {
      if (current != null && position < current.length()) {
        return true;
      }
      if (failure != null) {
        throw writerFailed(failure);
      }
      if (ended) {
        return false;
      }
      if (current != null) {
        free.offer(current.bytes());
        current = null;
      }
      Chunk chunk = takeFull();
      if (chunk.failure() != null) {
        failure = chunk.failure();
        return next();
      }
      if (chunk == END) {
        ended = true;
        return false;
      }
      current = chunk;
      position = 0;
      return true;
    }

    private Chunk takeFull() throws IOException {
      try {
        return full.take();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new InterruptedIOException("interrupted while reading the build context");
      }
    }

    @Override
    public void close() {
      readerClosed = true;
      ended = true;
      full.clear();
    }
  }
}
