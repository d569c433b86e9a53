package dev.imageci.context;

import dev.imageci.config.Rootfs;
import dev.imageci.context.InspectRootfsArchive.Inspection;
import dev.imageci.context.PreparedRootfs.FileStamp;
import dev.imageci.context.PreparedRootfs.PendingCheck;
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
 * sha256 the form gives, and checks every entry before the daemon can use it. {@link #prepare}
 * checks everything in one pass over the archive's bytes; {@link #prepareForUpload} only hashes a
 * local file and leaves the entries to be checked on their way into the build context; {@link
 * #prepareHashedOnTheWay} leaves the hash to that pass as well.
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

  /**
   * Like {@link #prepare}, but a local file is only hashed here (a fast pass with no decompression)
   * and its first bytes looked at; its entries are checked by {@link BuildContext} on the bytes it
   * sends, which also confirms they are the bytes hashed here. A download is checked as it arrives,
   * as {@link #prepare} does.
   *
   * @throws RootfsException with a message for the user when the rootfs cannot be used
   */
  public PreparedRootfs prepareForUpload(Rootfs rootfs) throws RootfsException {
    if (rootfs.isRemote()) {
      return prepareDownload(rootfs);
    }
    String label = rootfs.describe();
    HashAhead.Result early = HashAhead.take(rootfs.path());
    try (InputStream in = Files.newInputStream(rootfs.path())) {
      FileStamp now = FileStamp.of(rootfs.path());
      boolean reuse = early != null && early.before().equals(now);
      FileStamp before = reuse ? early.before() : now;
      Inspection hash = reuse ? early.hash() : InspectRootfsArchive.hash(in, label);
      if (!before.equals(FileStamp.of(rootfs.path())) || before.size() != hash.size()) {
        throw new RootfsException("rootfs " + label + " changed while it was being hashed");
      }
      verify(rootfs, label, hash);
      return new PreparedRootfs(
          rootfs.path(),
          hash.sha256(),
          hash.size(),
          false,
          new PendingCheck(policy, rootfs.allowSetuid(), label, before, false, null));
    } catch (IOException e) {
      throw unreadable(label, e);
    }
  }

  /**
   * Like {@link #prepareForUpload}, for a build that needs no hash before it starts (one that may
   * not reuse an earlier image): a local file's first bytes are looked at here, and {@link
   * BuildContext} hashes it, verifies the form's sha256 and checks its entries in the one pass that
   * sends it, so the upload does not wait for a hash of the whole file. Its {@link
   * PreparedRootfs#sha256()} is null until then.
   *
   * @throws RootfsException with a message for the user when the rootfs cannot be used
   */
  public PreparedRootfs prepareHashedOnTheWay(Rootfs rootfs) throws RootfsException {
    if (rootfs.isRemote()) {
      return prepareDownload(rootfs);
    }
    String label = rootfs.describe();
    try (InputStream in = Files.newInputStream(rootfs.path())) {
      FileStamp stamp = FileStamp.of(rootfs.path());
      InspectRootfsArchive.refuseByHead(in, label);
      return new PreparedRootfs(
          rootfs.path(),
          null,
          stamp.size(),
          false,
          new PendingCheck(
              policy, rootfs.allowSetuid(), label, stamp, true, expectedSha256(rootfs)));
    } catch (IOException e) {
      throw unreadable(label, e);
    }
  }

  /**
   * Starts hashing a local rootfs on a thread of its own, for a later {@link #prepareForUpload} of
   * the same file to take instead of hashing it then; does nothing for a URL. Errors wait for that
   * later call, which reports them.
   */
  public static void hashAhead(Rootfs rootfs) {
    if (!rootfs.isRemote()) {
      HashAhead.start(rootfs.path(), rootfs.describe());
    }
  }

  private PreparedRootfs prepareFile(Rootfs rootfs) throws RootfsException {
    String label = rootfs.describe();
    try (InputStream in = Files.newInputStream(rootfs.path())) {
      Inspection inspection = inspect.call(in, label, rootfs.allowSetuid());
      verify(rootfs, label, inspection);
      return new PreparedRootfs(rootfs.path(), inspection.sha256(), inspection.size(), false);
    } catch (IOException e) {
      throw unreadable(label, e);
    }
  }

  /** The message for a local rootfs that could not be read. */
  static RootfsException unreadable(String label, IOException e) {
    if (e instanceof NoSuchFileException) {
      return new RootfsException("rootfs " + label + ": no such file", e);
    }
    if (e instanceof AccessDeniedException) {
      return new RootfsException("rootfs " + label + " could not be read: permission denied", e);
    }
    return new RootfsException("rootfs " + label + " could not be read: " + e.getMessage(), e);
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
    verify(expectedSha256(rootfs), label, inspection.sha256());
  }

  /**
   * @param expected the hex sha256 the form gives, or null when it gives none
   * @throws RootfsException when {@code actual} is not {@code expected}
   */
  static void verify(String expected, String label, String actual) throws RootfsException {
    if (expected != null && !expected.equals(actual)) {
      throw new RootfsException(
          "rootfs "
              + label
              + ": sha256 mismatch: the form expects "
              + expected
              + " but the archive has "
              + actual);
    }
  }

  /** The form's sha256 as lower-case hex, without a {@code sha256:} prefix, or null. */
  private static String expectedSha256(Rootfs rootfs) {
    String expected = rootfs.sha256();
    if (expected == null) {
      return null;
    }
    expected = expected.toLowerCase(Locale.ROOT);
    return expected.startsWith("sha256:") ? expected.substring(7) : expected;
  }

  private static void deleteQuietly(Path file) {
    try {
      Files.deleteIfExists(file);
    } catch (IOException e) {
      // Left in the download directory; nothing better to do while reporting the real failure.
    }
  }
}
