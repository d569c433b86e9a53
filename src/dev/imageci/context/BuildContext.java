package dev.imageci.context;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/**
 * The build context the daemon receives: a tar with the Dockerfile and, when the form has one, the
 * rootfs archive under the name the ADD line uses. It is written while the daemon reads it, never
 * held whole in memory nor copied to a temporary file.
 */
public final class BuildContext {

  private static final int PIPE_BUFFER = 256 * 1024;
  // Fixed times and owners keep the context's bytes the same for the same inputs.
  private static final FileTime EPOCH = FileTime.from(Instant.EPOCH);

  private final String dockerfile;
  private final Path rootfs;
  private final String rootfsName;

  /**
   * @param dockerfile the rendered Dockerfile
   * @param rootfs the local rootfs archive, already checked, or null
   * @param rootfsName its name in the context, as the Dockerfile's ADD line names it
   */
  public BuildContext(String dockerfile, Path rootfs, String rootfsName) {
    this.dockerfile = dockerfile;
    this.rootfs = rootfs;
    this.rootfsName = rootfsName;
  }

  /** Writes the context tar to {@code out}. */
  public void writeTo(OutputStream out) throws IOException {
    TarArchiveOutputStream tar = new TarArchiveOutputStream(out);
    tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
    tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
    byte[] dockerfileBytes = dockerfile.getBytes(StandardCharsets.UTF_8);
    tar.putArchiveEntry(entry("Dockerfile", dockerfileBytes.length));
    tar.write(dockerfileBytes);
    tar.closeArchiveEntry();
    if (rootfs != null) {
      tar.putArchiveEntry(entry(rootfsName, Files.size(rootfs)));
      Files.copy(rootfs, tar);
      tar.closeArchiveEntry();
    }
    tar.finish();
    tar.flush();
  }

  /**
   * A stream of the context tar, produced by a background thread as it is read. A failure while
   * writing surfaces as an IOException from {@code read}.
   */
  public InputStream open() throws IOException {
    PipedInputStream in = new FailingPipe(PIPE_BUFFER);
    PipedOutputStream out = new PipedOutputStream(in);
    Thread writer =
        new Thread(
            () -> {
              try {
                writeTo(out);
              } catch (IOException | RuntimeException e) {
                // Recorded before the pipe closes, so the reader never mistakes it for the end.
                ((FailingPipe) in).fail(e instanceof IOException io ? io : new IOException(e));
              } finally {
                closeQuietly(out);
              }
            },
            "imageci-context-writer");
    writer.setDaemon(true);
    writer.start();
    return in;
  }

  private static void closeQuietly(OutputStream out) {
    try {
      out.close();
    } catch (IOException e) {
      // The reader has gone away; nothing is left to tell it.
    }
  }

  private static TarArchiveEntry entry(String name, long size) {
    TarArchiveEntry entry = new TarArchiveEntry(name);
    entry.setSize(size);
    entry.setMode(0644);
    entry.setLastModifiedTime(EPOCH);
    entry.setIds(0, 0);
    return entry;
  }

  /** A pipe whose reader learns why the writer stopped, instead of seeing a short stream. */
  private static final class FailingPipe extends PipedInputStream {
    private volatile IOException failure;

    FailingPipe(int size) {
      super(size);
    }

    void fail(IOException e) {
      failure = e;
    }

    @Override
    public synchronized int read() throws IOException {
      return failIfEnded(super.read());
    }

    @Override
    public synchronized int read(byte[] buffer, int offset, int length) throws IOException {
      return failIfEnded(super.read(buffer, offset, length));
    }

    private int failIfEnded(int read) throws IOException {
      if (read < 0 && failure != null) {
        throw new IOException("writing the build context failed: " + failure.getMessage(), failure);
      }
      return read;
    }
  }
}
