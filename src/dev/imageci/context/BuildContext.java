package dev.imageci.context;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.function.UnaryOperator;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipEncoding;
import org.apache.commons.compress.archivers.zip.ZipEncodingHelper;

/**
 * The build context the daemon receives: a tar with the rootfs archive under the name the ADD line
 * uses, when the form has one, then the Dockerfile. It is written while the daemon reads it, never
 * held whole in memory nor copied to a temporary file.
 *
 * <p>A rootfs whose entries are still to be checked is checked on its way into the tar (and hashed,
 * when it was not hashed before). The Dockerfile goes last, so a context cut short by a refused
 * rootfs has none: the daemon cannot start a single step from it, whatever it makes of the bytes
 * that did arrive. Going last also lets it carry the rootfs' hash (the classic builder reads the
 * whole context before the Dockerfile).
 */
public final class BuildContext {

  // Fixed times and owners keep the context's bytes the same for the same inputs.
  private static final FileTime EPOCH = FileTime.from(Instant.EPOCH);
  private static final int BLOCK = 512;
  private static final byte[] PADDING = new byte[BLOCK];
  // Two zero blocks end a tar archive.
  private static final byte[] END_OF_ARCHIVE = new byte[2 * BLOCK];
  // The context's entry names are fixed ASCII names (Dockerfile, rootfs.tar...).
  private static final ZipEncoding NAMES = ZipEncodingHelper.getZipEncoding("UTF-8");

  private final UnaryOperator<String> dockerfile;
  private final Path rootfsFile;
  private final PreparedRootfs rootfs;
  private final String rootfsName;

  /**
   * @param dockerfile the rendered Dockerfile
   * @param rootfs the local rootfs archive, already checked, or null
   * @param rootfsName its name in the context, as the Dockerfile's ADD line names it
   */
  public BuildContext(String dockerfile, Path rootfs, String rootfsName) {
    this(sha256 -> dockerfile, rootfs, null, rootfsName);
  }

  private BuildContext(
      UnaryOperator<String> dockerfile, Path rootfsFile, PreparedRootfs rootfs, String rootfsName) {
    this.dockerfile = dockerfile;
    this.rootfsFile = rootfsFile;
    this.rootfs = rootfs;
    this.rootfsName = rootfsName;
  }

  /**
   * A context with a prepared rootfs (or none, when null), whose entries it checks as it sends them
   * when the preparer left them unchecked, and hashes when the preparer left that too.
   *
   * @param dockerfile the Dockerfile to send for the rootfs' sha256 (null without a rootfs), called
   *     once the rootfs has gone out whole, so a sha256 taken on the way is known
   */
  public static BuildContext of(
      UnaryOperator<String> dockerfile, PreparedRootfs rootfs, String rootfsName) {
    return new BuildContext(dockerfile, rootfs == null ? null : rootfs.file(), rootfs, rootfsName);
  }

  /**
   * Writes the context tar to {@code out}.
   *
   * <p>The tar is framed here, not by a tar writer: one would copy every byte of the rootfs into
   * 512-byte blocks on its way through. Only the headers come from the tar library.
   *
   * @throws IOException also when the rootfs is refused: then before the Dockerfile is written
   */
  public void writeTo(OutputStream out) throws IOException {
    String sha256 = null;
    if (rootfsFile != null) {
      PreparedRootfs prepared =
          rootfs != null
              ? rootfs
              : new PreparedRootfs(rootfsFile, null, Files.size(rootfsFile), false);
      out.write(header(rootfsName, prepared.size()));
      new CopyRootfs().call(prepared, out);
      out.write(PADDING, 0, padding(prepared.size()));
      sha256 = prepared.sha256();
    }
    byte[] dockerfileBytes = dockerfile.apply(sha256).getBytes(StandardCharsets.UTF_8);
    out.write(header("Dockerfile", dockerfileBytes.length));
    out.write(dockerfileBytes);
    out.write(PADDING, 0, padding(dockerfileBytes.length));
    out.write(END_OF_ARCHIVE);
    out.flush();
  }

  /** The tar header of a file; a size past the 8 GiB octal fields can hold is written in binary. */
  static byte[] header(String name, long size) throws IOException {
    TarArchiveEntry entry = new TarArchiveEntry(name);
    entry.setSize(size);
    entry.setMode(0644);
    entry.setLastModifiedTime(EPOCH);
    entry.setIds(0, 0);
    byte[] header = new byte[BLOCK];
    entry.writeEntryHeader(header, NAMES, true);
    return header;
  }

  private static int padding(long size) {
    return (int) ((BLOCK - size % BLOCK) % BLOCK);
  }

  /**
   * A stream of the context tar. {@link Stream#transferTo} writes the tar straight to its target on
   * the calling thread; reading it instead starts a background thread that writes it as it is read.
   * Either way, a failure while writing surfaces as an IOException, never as an early end.
   */
  public Stream open() {
    return new Stream();
  }

  /** The context tar as it is written; closing it stops the writing. */
  public final class Stream extends InputStream {
    private InputStream source; // the pipe from the background writer, once read from
    private boolean pushed;
    private volatile boolean closed;
    private volatile RootfsException refused;

    private Stream() {}

    /**
     * @throws RootfsException when the rootfs was refused while it was being sent (the stream then
     *     failed before its end, without the Dockerfile)
     */
    public void throwIfRootfsRefused() throws RootfsException {
      if (refused != null) {
        throw refused;
      }
    }

    @Override
    public int read() throws IOException {
      return pulled().read();
    }

    @Override
    public int read(byte[] bytes, int offset, int length) throws IOException {
      return pulled().read(bytes, offset, length);
    }

    /**
     * Writes the tar to {@code out} on this thread, without a pipe in between, when nothing was
     * read from the stream yet; otherwise sends what the background writer has yet to hand over.
     */
    @Override
    public long transferTo(OutputStream out) throws IOException {
      synchronized (this) {
        if (source != null || pushed || closed) {
          return pulled().transferTo(out);
        }
        pushed = true;
      }
      CountingOutputStream counted = new CountingOutputStream(out);
      try {
        writeTo(counted);
        return counted.count;
      } catch (IOException | RuntimeException e) {
        throw failed(e);
      }
    }

    private synchronized InputStream pulled() throws IOException {
      if (pushed) {
        throw new IOException("the build context was already written out whole");
      }
      if (source == null) {
        source = closed ? InputStream.nullInputStream() : startWriter();
      }
      return source;
    }

    private InputStream startWriter() {
      ChunkPipe pipe = new ChunkPipe();
      Thread writer =
          new Thread(
              () -> {
                try {
                  writeTo(pipe.sink());
                  pipe.sink().finish();
                } catch (IOException | RuntimeException e) {
                  noteRefusal(e); // before the reader can see the failure
                  pipe.sink().fail(e instanceof IOException io ? io : new IOException(e));
                }
              },
              "imageci-context-writer");
      writer.setDaemon(true);
      writer.start();
      return pipe.source();
    }

    private IOException failed(Exception e) {
      noteRefusal(e);
      return ChunkPipe.writerFailed(e);
    }

    private void noteRefusal(Exception e) {
      if (e instanceof CopyRootfs.RefusedException rootfsRefused) {
        refused = rootfsRefused.rootfs();
      }
    }

    @Override
    public synchronized void close() throws IOException {
      closed = true;
      if (source != null) {
        source.close();
      }
    }

    /** Counts what goes out, and stops the writing once the stream is closed. */
    private final class CountingOutputStream extends FilterOutputStream {
      private long count;

      CountingOutputStream(OutputStream out) {
        super(out);
      }

      @Override
      public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
      }

      @Override
      public void write(byte[] bytes, int offset, int length) throws IOException {
        if (closed) {
          throw new IOException("the build context was closed while it was being written");
        }
        out.write(bytes, offset, length);
        count += length;
      }
    }
  }
}
