package dev.imageci.context;

import dev.imageci.context.CheckArchiveEntries.EntryRefusedException;
import java.io.BufferedInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import org.apache.commons.compress.MemoryLimitException;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

/**
 * Reads a rootfs archive as a stream: hashes its bytes as they are, tells its compression from its
 * first bytes, and checks every tar entry while decompressing. Nothing is held whole in memory.
 * {@link #hash} is the cheap pass that only hashes, for a file whose entries are checked later, on
 * the way into the build context.
 */
final class InspectRootfsArchive {

  /** What one pass over an archive found. */
  record Inspection(String sha256, long size, ArchiveFormat format, long entries) {}

  private static final int BUFFER = 64 * 1024;
  // Large reads let the hash pass run at the digest's speed, not the reads'.
  private static final int HASH_BUFFER = 1024 * 1024;
  private static final int TAR_HEADER = 512;
  private static final String FORMATS = "a tar archive, plain or compressed with gzip, bzip2 or xz";

  private final RootfsPolicy policy;

  InspectRootfsArchive(RootfsPolicy policy) {
    this.policy = policy;
  }

  /**
   * Inspects the archive read from {@code source} to its end.
   *
   * @param label the rootfs as messages name it
   * @throws RootfsException when the archive is unsafe, broken or not an archive
   * @throws IOException when {@code source} itself fails (a file or download error)
   */
  Inspection call(InputStream source, String label, boolean allowSetuid)
      throws RootfsException, IOException {
    return inspect(source, label, allowSetuid, sha256());
  }

  /**
   * Like {@link #call}, but without hashing: for an archive hashed already, whose second pass
   * should cost no more than it must. The inspection's sha256 is null.
   */
  Inspection checkOnly(InputStream source, String label, boolean allowSetuid)
      throws RootfsException, IOException {
    return inspect(source, label, allowSetuid, null);
  }

  private Inspection inspect(
      InputStream source, String label, boolean allowSetuid, MessageDigest sha256)
      throws RootfsException, IOException {
    InputStream read = new SourceInputStream(source);
    CappedInputStream counted =
        new CappedInputStream(
            sha256 == null ? read : new DigestInputStream(read, sha256),
            Long.MAX_VALUE,
            "the archive",
            null);
    BufferedInputStream raw = new BufferedInputStream(counted, BUFFER);
    ArchiveFormat format = null;
    try {
      format = detect(raw);
      long entries = walk(format.decompress(new UnclosableInputStream(raw)), allowSetuid);
      raw.transferTo(OutputStream.nullOutputStream());
      String hex = sha256 == null ? null : HexFormat.of().formatHex(sha256.digest());
      return new Inspection(hex, counted.count(), format, entries);
    } catch (SourceException e) {
      throw e.source;
    } catch (EntryRefusedException e) {
      throw new RootfsException("rootfs " + label + ": " + e.getMessage(), e);
    } catch (CappedInputStream.LimitExceededException
        | ArchiveFormat.UnsupportedFormatException
        | NotTarException e) {
      throw new RootfsException("rootfs " + label + ": " + e.getMessage(), e);
    } catch (MemoryLimitException e) {
      throw new RootfsException(
          "rootfs " + label + ": decompressing it needs more memory than allowed", e);
    } catch (IOException | RuntimeException e) {
      // Libraries report malformed input with unchecked exceptions too.
      throw new RootfsException(
          "rootfs "
              + label
              + ": the "
              + format
              + " archive is broken or truncated ("
              + describe(e)
              + ")",
          e);
    }
  }

  /**
   * Only hashes the archive read from {@code source} to its end, in large reads, and refuses at
   * once what its first bytes show cannot be used (an empty file, zstd, a plain file that is not a
   * tar); the entries are left for {@link #call} to check.
   *
   * @throws RootfsException when the first bytes show the archive cannot be used
   * @throws IOException when {@code source} itself fails
   */
  static Inspection hash(InputStream source, String label) throws RootfsException, IOException {
    MessageDigest sha256 = sha256();
    byte[] buffer = new byte[HASH_BUFFER];
    int head = source.readNBytes(buffer, 0, buffer.length);
    ArchiveFormat format = refuseByHead(buffer, head, label);
    long size = 0;
    for (int read = head; read > 0; read = source.readNBytes(buffer, 0, buffer.length)) {
      sha256.update(buffer, 0, read);
      size += read;
    }
    return new Inspection(HexFormat.of().formatHex(sha256.digest()), size, format, -1);
  }

  /**
   * Reads the first bytes of {@code source} and refuses at once what they show cannot be used, as
   * {@link #hash} does; the entries are left for {@link #call} to check.
   *
   * @throws RootfsException when the first bytes show the archive cannot be used
   * @throws IOException when {@code source} itself fails
   */
  static void refuseByHead(InputStream source, String label) throws RootfsException, IOException {
    byte[] head = source.readNBytes(TAR_HEADER);
    refuseByHead(head, head.length, label);
  }

  private static ArchiveFormat refuseByHead(byte[] head, int length, String label)
      throws RootfsException {
    try {
      if (length == 0) {
        throw new NotTarException("the file is empty; expected " + FORMATS);
      }
      ArchiveFormat format = ArchiveFormat.detect(head, length);
      format.checkSupported();
      if (format == ArchiveFormat.TAR
          && !TarArchiveInputStream.matches(head, Math.min(length, TAR_HEADER))) {
        throw new NotTarException("it is not " + FORMATS);
      }
      return format;
    } catch (NotTarException | ArchiveFormat.UnsupportedFormatException e) {
      throw new RootfsException("rootfs " + label + ": " + e.getMessage(), e);
    }
  }

  private static ArchiveFormat detect(BufferedInputStream raw) throws IOException {
    raw.mark(ArchiveFormat.MAGIC_LENGTH);
    byte[] head = raw.readNBytes(ArchiveFormat.MAGIC_LENGTH);
    raw.reset();
    if (head.length == 0) {
      throw new NotTarException("the file is empty; expected " + FORMATS);
    }
    return ArchiveFormat.detect(head, head.length);
  }

  private long walk(InputStream decompressed, boolean allowSetuid)
      throws IOException, EntryRefusedException {
    BufferedInputStream tarBytes =
        new BufferedInputStream(
            new CappedInputStream(
                decompressed,
                policy.maxUncompressedBytes(),
                "the uncompressed archive",
                RootfsPolicy.MAX_BYTES),
            BUFFER);
    tarBytes.mark(TAR_HEADER);
    byte[] header = tarBytes.readNBytes(TAR_HEADER);
    tarBytes.reset();
    // Limitation: old V7 tars have no ustar magic and are refused as not a tar archive.
    if (!TarArchiveInputStream.matches(header, header.length)) {
      throw new NotTarException("it is not " + FORMATS);
    }
    CheckArchiveEntries check = new CheckArchiveEntries(policy, allowSetuid);
    byte[] content = new byte[BUFFER];
    try (TarArchiveInputStream tar = new GuardedTarInputStream(tarBytes)) {
      for (TarArchiveEntry entry; (entry = tar.getNextEntry()) != null; ) {
        check.check(entry);
        // Read through with one buffer: the library's skip takes a new buffer for every 8 KiB,
        // as much garbage as the archive is large, and the collector grows the heap to match.
        while (tar.read(content) >= 0) {
          // only the hash and the checks need these bytes
        }
      }
      return check.entries();
    }
  }

  private static String describe(Exception e) {
    String message = e.getMessage();
    return message == null || message.isBlank() ? e.getClass().getSimpleName() : message;
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java runtime has SHA-256", e);
    }
  }

  /** The bytes are something other than a tar archive. */
  private static final class NotTarException extends IOException {
    private static final long serialVersionUID = 1L;

    NotTarException(String message) {
      super(message);
    }
  }

  /** Lets the tar reader free its decompressor without closing the archive, still to be drained. */
  private static final class UnclosableInputStream extends FilterInputStream {
    UnclosableInputStream(InputStream in) {
      super(in);
    }

    @Override
    public void close() {}
  }

  /** A failure of the source itself, kept apart from failures to make sense of its bytes. */
  private static final class SourceException extends IOException {
    private static final long serialVersionUID = 1L;
    private final IOException source;

    SourceException(IOException source) {
      super(source.getMessage(), source);
      this.source = source;
    }
  }

  private static final class SourceInputStream extends FilterInputStream {
    SourceInputStream(InputStream in) {
      super(in);
    }

    @Override
    public int read() throws IOException {
      try {
        return super.read();
      } catch (IOException e) {
        throw new SourceException(e);
      }
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
      try {
        return super.read(buffer, offset, length);
      } catch (IOException e) {
        throw new SourceException(e);
      }
    }

    @Override
    public long skip(long n) throws IOException {
      try {
        return super.skip(n);
      } catch (IOException e) {
        throw new SourceException(e);
      }
    }
  }
}
