package dev.imageci.context;

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
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

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
   * @throws IOException also when the rootfs is refused: then before the Dockerfile is written
   */
  public void writeTo(OutputStream out) throws IOException {
    TarArchiveOutputStream tar = new TarArchiveOutputStream(out);
    tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
    tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
    String sha256 = null;
    if (rootfsFile != null) {
      PreparedRootfs prepared =
          rootfs != null
              ? rootfs
              : new PreparedRootfs(rootfsFile, null, Files.size(rootfsFile), false);
      tar.putArchiveEntry(entry(rootfsName, prepared.size()));
      new CopyRootfs().call(prepared, tar);
      tar.closeArchiveEntry();
      sha256 = prepared.sha256();
    }
    byte[] dockerfileBytes = dockerfile.apply(sha256).getBytes(StandardCharsets.UTF_8);
    tar.putArchiveEntry(entry("Dockerfile", dockerfileBytes.length));
    tar.write(dockerfileBytes);
    tar.closeArchiveEntry();
    tar.finish();
    tar.flush();
  }

  /**
   * A stream of the context tar, produced by a background thread as it is read. A failure while
   * writing surfaces as an IOException from {@code read}, never as an early end.
   */
  public Stream open() {
    ChunkPipe pipe = new ChunkPipe();
    Stream stream = new Stream(pipe.source());
    Thread writer =
        new Thread(
            () -> {
              try {
                writeTo(pipe.sink());
                pipe.sink().finish();
              } catch (IOException | RuntimeException e) {
                if (e instanceof CopyRootfs.RefusedException refused) {
                  stream.refused = refused.rootfs(); // before the reader can see the failure
                }
                pipe.sink().fail(e instanceof IOException io ? io : new IOException(e));
              }
            },
            "imageci-context-writer");
    writer.setDaemon(true);
    writer.start();
    return stream;
  }

  private static TarArchiveEntry entry(String name, long size) {
    TarArchiveEntry entry = new TarArchiveEntry(name);
    entry.setSize(size);
    entry.setMode(0644);
    entry.setLastModifiedTime(EPOCH);
    entry.setIds(0, 0);
    return entry;
  }

  /** The context tar as it is written; closing it stops the writer. */
  public static final class Stream extends InputStream {
    private final InputStream source;
    private volatile RootfsException refused;

    private Stream(InputStream source) {
      this.source = source;
    }

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
      return source.read();
    }

    @Override
    public int read(byte[] bytes, int offset, int length) throws IOException {
      return source.read(bytes, offset, length);
    }

    @Override
    public long transferTo(OutputStream out) throws IOException {
      return source.transferTo(out);
    }

    @Override
    public void close() throws IOException {
      source.close();
    }
  }
}
