package dev.imageci.context;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;

/**
 * A rootfs archive on local disk, ready to go into the build context. Its entries are either
 * checked already or checked by {@link BuildContext} on the bytes it sends ({@link
 * #entriesChecked()}). Its sha256 is known and verified, or, for a file nothing needs the hash of
 * before the build, taken and verified from those same bytes ({@link #sha256()}). Closing it
 * deletes the file when it was downloaded.
 */
public final class PreparedRootfs implements AutoCloseable {

  /**
   * The checks left for the build context: what {@link InspectRootfsArchive} needs to run, and the
   * file's attributes when it was hashed (or, for a file hashed on the way, prepared), to tell
   * whether it changed since.
   *
   * @param onTheWay whether the sha256 is still to be taken from the bytes sent
   * @param expectedSha256 what the form says those bytes hash to (hex), or null
   */
  record PendingCheck(
      RootfsPolicy policy,
      boolean allowSetuid,
      String label,
      FileStamp stamp,
      boolean onTheWay,
      String expectedSha256) {}

  /** What tells a file rewritten since: its identity, length and modification time. */
  record FileStamp(Object fileKey, long size, FileTime modified) {
    static FileStamp of(Path file) throws IOException {
      BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
      return new FileStamp(attributes.fileKey(), attributes.size(), attributes.lastModifiedTime());
    }
  }

  private final Path file;
  private volatile String sha256;
  private final long size;
  private final boolean temporary;
  private final PendingCheck pendingCheck;

  /** An archive whose entries have all been checked. */
  public PreparedRootfs(Path file, String sha256, long size, boolean temporary) {
    this(file, sha256, size, temporary, null);
  }

  PreparedRootfs(Path file, String sha256, long size, boolean temporary, PendingCheck pending) {
    this.file = file;
    this.sha256 = sha256;
    this.size = size;
    this.temporary = temporary;
    this.pendingCheck = pending;
  }

  public Path file() {
    return file;
  }

  /**
   * The hex sha256 of the file's bytes as they are (compressed or not); null while it is still to
   * be taken on the way into the build context, and after a context that did not send it whole.
   */
  public String sha256() {
    return sha256;
  }

  /** Whether the sha256 is taken from the bytes the build context sends. */
  public boolean hashedOnTheWay() {
    return pendingCheck != null && pendingCheck.onTheWay();
  }

  /** The sha256 of the bytes the build context sent, checked against the form's already. */
  void sent(String sha256) {
    this.sha256 = sha256;
  }

  public long size() {
    return size;
  }

  public boolean temporary() {
    return temporary;
  }

  /** Whether the entries were checked already; if not, the build context checks them. */
  public boolean entriesChecked() {
    return pendingCheck == null;
  }

  PendingCheck pendingCheck() {
    return pendingCheck;
  }

  @Override
  public void close() throws IOException {
    if (temporary) {
      Files.deleteIfExists(file);
    }
  }

  @Override
  public String toString() {
    return "PreparedRootfs[" + file + ", sha256 " + sha256 + ", " + size + " bytes]";
  }
}
