package dev.imageci.context;

import dev.imageci.context.PreparedRootfs.FileStamp;
import dev.imageci.context.PreparedRootfs.PendingCheck;
import java.io.FilterInputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;

/**
 * Copies a prepared rootfs into the build context. When its entries are still to be checked, the
 * copy is what the checks read: every byte of the file, trailing bytes included, passes the checks
 * on its way out, and the file must still be the one hashed when the build started (same length,
 * inode and modification time). A rootfs hashed on the way is hashed from those bytes too, and
 * refused when they are not what the form's sha256 says.
 */
final class CopyRootfs {

  private static final int BUFFER = 1024 * 1024;

  /**
   * Writes the file's {@link PreparedRootfs#size()} bytes to {@code out}.
   *
   * @throws RefusedException when the rootfs is refused or cannot be read; other IOExceptions are
   *     failures of {@code out}
   */
  void call(PreparedRootfs rootfs, OutputStream out) throws IOException {
    PendingCheck pending = rootfs.pendingCheck();
    String label = pending == null ? rootfs.file().toString() : pending.label();
    SinkStream sink = new SinkStream(out);
    try (InputStream file =
        new ExactLengthInputStream(Files.newInputStream(rootfs.file()), rootfs)) {
      if (pending == null) {
        copy(file, sink);
      } else {
        check(rootfs, pending, new CopyingInputStream(file, sink));
      }
    } catch (SinkException e) {
      throw e.failure;
    } catch (RefusedException e) {
      throw e;
    } catch (ChangedException e) {
      String when =
          rootfs.hashedOnTheWay() ? " while it was being sent: " : " after it was hashed: ";
      throw new RefusedException(
          new RootfsException("rootfs " + label + " changed" + when + e.getMessage()));
    } catch (IOException e) {
      throw new RefusedException(RootfsPreparer.unreadable(label, e));
    }
  }

  private static void copy(InputStream file, OutputStream out) throws IOException {
    byte[] buffer = new byte[BUFFER];
    for (int read; (read = file.read(buffer)) >= 0; ) {
      out.write(buffer, 0, read);
    }
  }

  // Limitation: a file rewritten with its length, inode and time kept is not caught: no 2nd hash.
  private static void check(PreparedRootfs rootfs, PendingCheck pending, InputStream copying)
      throws IOException {
    InspectRootfsArchive inspect = new InspectRootfsArchive(pending.policy());
    String sha256;
    try {
      // A file hashed already is not hashed again: that would cost as much as the first pass,
      // and its stamp is cheap.
      sha256 =
          pending.onTheWay()
              ? inspect.call(copying, pending.label(), pending.allowSetuid()).sha256()
              : inspect.checkOnly(copying, pending.label(), pending.allowSetuid()).sha256();
    } catch (RootfsException e) {
      throw new RefusedException(e);
    }
    FileStamp now = FileStamp.of(rootfs.file());
    if (!now.equals(pending.stamp())) {
      throw new ChangedException(
          "it was modified at "
              + now.modified()
              + ", after "
              + (pending.onTheWay() ? "the build started (" : "it was hashed (")
              + pending.stamp().modified()
              + ")");
    }
    if (pending.onTheWay()) {
      try {
        RootfsPreparer.verify(pending.expectedSha256(), pending.label(), sha256);
      } catch (RootfsException e) {
        throw new RefusedException(e);
      }
      rootfs.sent(sha256);
    }
  }

  /** A rootfs that cannot go into the context; carries the message for the user. */
  static final class RefusedException extends IOException {
    private static final long serialVersionUID = 1L;
    private final RootfsException rootfs;

    RefusedException(RootfsException rootfs) {
      super(rootfs.getMessage(), rootfs);
      this.rootfs = rootfs;
    }

    RootfsException rootfs() {
      return rootfs;
    }
  }

  /** The file is not the one hashed: its length or bytes differ. */
  private static final class ChangedException extends IOException {
    private static final long serialVersionUID = 1L;

    ChangedException(String message) {
      super(message);
    }
  }

  /** A failure of the context's own stream, kept apart from failures to read the rootfs. */
  private static final class SinkException extends IOException {
    private static final long serialVersionUID = 1L;
    private final IOException failure;

    SinkException(IOException failure) {
      super(failure.getMessage(), failure);
      this.failure = failure;
    }
  }

  private static final class SinkStream extends FilterOutputStream {
    SinkStream(OutputStream out) {
      super(out);
    }

    @Override
    public void write(int b) throws IOException {
      try {
        out.write(b);
      } catch (IOException e) {
        throw new SinkException(e);
      }
    }

    @Override
    public void write(byte[] bytes, int offset, int length) throws IOException {
      try {
        out.write(bytes, offset, length);
      } catch (IOException e) {
        throw new SinkException(e);
      }
    }
  }

  /** Fails when the file turns out longer or shorter than when it was hashed. */
  private static final class ExactLengthInputStream extends FilterInputStream {
    private final long expected;
    private long count;

    ExactLengthInputStream(InputStream in, PreparedRootfs rootfs) {
      super(in);
      this.expected = rootfs.size();
    }

    @Override
    public int read() throws IOException {
      byte[] one = new byte[1];
      return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
      int read = super.read(buffer, offset, (int) Math.min(length, expected - count + 1));
      if (read < 0 && count < expected) {
        throw new ChangedException("it had " + expected + " bytes and now ends at " + count);
      }
      count += Math.max(read, 0);
      if (count > expected) {
        throw new ChangedException("it had " + expected + " bytes and now has more");
      }
      return read;
    }

    @Override
    public long skip(long n) throws IOException {
      throw new IOException("skipping would leave a hole in the copy");
    }
  }
}
