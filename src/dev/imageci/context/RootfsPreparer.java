package dev.imageci.context;

import dev.imageci.config.Rootfs;
import dev.imageci.context.InspectRootfsArchive.Inspection;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Makes a form's rootfs ready for the build context: downloads it when it is a URL, verifies the
 * sha256 the form gives, and checks every entry before the daemon sees it, all in one pass over the
 * archive's bytes.
 */
public final class RootfsPreparer {

  private final RootfsPolicy policy;
  private final InspectRootfsArchive inspect;

  public RootfsPreparer(RootfsPolicy policy) {
    this.policy = policy;
    this.inspect = new InspectRootfsArchive(policy);
  }

  /**
   * @return the checked archive; close it to delete a downloaded copy
   * @throws RootfsException with a message for the user when the rootfs cannot be used
   */
  public PreparedRootfs prepare(Rootfs rootfs) throws RootfsException {
    return rootfs.isRemote() ? prepareDownload(rootfs) : prepareFile(rootfs);
  }

  // Limitation: the file is read again into the context; a change in between is not caught.
  private PreparedRootfs prepareFile(Rootfs rootfs) throws RootfsException {
    String label = rootfs.describe();
    try (InputStream in = Files.newInputStream(rootfs.path())) {
      Inspection inspection = inspect.call(in, label, rootfs.allowSetuid());
      verify(rootfs, label, inspection);
      return new PreparedRootfs(rootfs.path(), inspection.sha256(), inspection.size(), false);
    } catch (NoSuchFileException e) {
      throw new RootfsException("rootfs " + label + ": no such file", e);
    } catch (AccessDeniedException e) {
      throw new RootfsException("rootfs " + label + " could not be read: permission denied", e);
    } catch (IOException e) {
      throw new RootfsException("rootfs " + label + " could not be read: " + e.getMessage(), e);
    }
  }

  private PreparedRootfs prepareDownload(Rootfs rootfs) throws RootfsException {
    String label = DownloadRootfs.show(rootfs.url());
    Path file = createDownloadFile(label);
    boolean kept = false;
    try {
      Inspection inspection =
          new DownloadRootfs(policy)
              .call(
                  rootfs.url(),
                  body -> {
                    try (OutputStream copy = Files.newOutputStream(file)) {
                      return inspect.call(
                          new CopyingInputStream(body, copy), label, rootfs.allowSetuid());
                    }
                  });
      verify(rootfs, label, inspection);
      kept = true;
      return new PreparedRootfs(file, inspection.sha256(), inspection.size(), true);
    } finally {
      if (!kept) {
        deleteQuietly(file);
      }
    }
  }

  private Path createDownloadFile(String label) throws RootfsException {
    Path directory =
        policy.downloadDirectory() == null
            ? Path.of(System.getProperty("java.io.tmpdir"))
            : policy.downloadDirectory();
    try {
      Files.createDirectories(directory);
      // createTempFile makes it readable by its owner only.
      return Files.createTempFile(directory, "rootfs-", ".download");
    } catch (IOException e) {
      throw new RootfsException(
          "rootfs "
              + label
              + ": cannot create a file in "
              + directory
              + " to download it to: "
              + e.getMessage(),
          e);
    }
  }

  private static void verify(Rootfs rootfs, String label, Inspection inspection)
      throws RootfsException {
    String expected = rootfs.sha256();
    if (expected == null) {
      return;
    }
    expected = expected.toLowerCase(Locale.ROOT);
    expected = expected.startsWith("sha256:") ? expected.substring(7) : expected;
    if (!expected.equals(inspection.sha256())) {
      throw new RootfsException(
          "rootfs "
              + label
              + ": sha256 mismatch: the form expects "
              + expected
              + " but the archive has "
              + inspection.sha256());
    }
  }

  private static void deleteQuietly(Path file) {
    try {
      Files.deleteIfExists(file);
    } catch (IOException e) {
      // Left in the download directory; nothing better to do while reporting the real failure.
    }
  }

  /** Writes every byte read through it to {@code copy}, so the download is read only once. */
  private static final class CopyingInputStream extends FilterInputStream {
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
      throw new IOException("skipping would leave a hole in the downloaded copy");
    }
  }
}
