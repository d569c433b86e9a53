package dev.imageci.context;

import java.util.HashMap;
import java.util.Map;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;

/**
 * Checks the entries of a rootfs archive one by one, in archive order, before the daemon extracts
 * them into an image: the daemon keeps whatever a tarball holds. Each refusal names the entry.
 *
 * <p>It remembers the kind of every name seen (bounded by the entry cap), so that entries below a
 * symlink of the archive and hardlinks to anything but an earlier regular file are caught.
 */
final class CheckArchiveEntries {

  private static final int SET_UID = 04000;
  private static final int SET_GID = 02000;
  private static final int SHOWN_LENGTH = 120;
  // Regular files: '0', the old NUL type, contiguous '7' and old GNU sparse 'S', as Go reads them.
  private static final String REGULAR_TYPES = "0\u00007S";

  private enum Kind {
    DIRECTORY,
    FILE,
    SYMLINK
  }

  private final RootfsPolicy policy;
  private final boolean allowSetuid;
  // Limitation: every name is kept, so memory grows with entries times name length (both capped).
  private final Map<String, Kind> seen = new HashMap<>();
  private final SymlinkIndex symlinks = new SymlinkIndex();
  private long entries;
  private long declaredBytes;

  CheckArchiveEntries(RootfsPolicy policy, boolean allowSetuid) {
    this.policy = policy;
    this.allowSetuid = allowSetuid;
  }

  long entries() {
    return entries;
  }

  /** Checks the next entry. */
  void check(TarArchiveEntry entry) throws EntryRefusedException {
    // Limitation: commons-compress drops the leading '/' of PAX and GNU long names before this.
    String raw = entry.getName();
    checkCounts(entry, raw);
    String name = normalize(raw);
    if (name == null) {
      throw refuse(raw, badNameReason(raw));
    }
    Kind kind = kind(entry, raw);
    if (name.isEmpty()) {
      if (kind != Kind.DIRECTORY) {
        throw refuse(raw, "would replace the root directory; expected a directory");
      }
      return;
    }
    checkParents(raw, name);
    checkMode(entry, raw);
    if (entry.isLink()) {
      checkHardlink(entry, raw);
    } else if (entry.isSymbolicLink()) {
      checkSymlink(entry, raw, name);
    }
    Kind before = seen.put(name, kind);
    if (kind == Kind.SYMLINK) {
      symlinks.add(name);
    } else if (before == Kind.SYMLINK) {
      symlinks.remove(name); // replaced, as the daemon replaces it when extracting
    }
  }

  private void checkCounts(TarArchiveEntry entry, String raw) throws EntryRefusedException {
    entries++;
    if (entries > policy.maxEntries()) {
      throw overLimit(raw, "is one entry too many", policy.maxEntries(), RootfsPolicy.MAX_ENTRIES);
    }
    if (raw.length() > policy.maxNameLength()) {
      throw overLimit(
          raw,
          "has a name of " + raw.length() + " characters",
          policy.maxNameLength(),
          RootfsPolicy.MAX_NAME_LENGTH);
    }
    String target = entry.getLinkName();
    if (target != null && target.length() > policy.maxLinkTargetLength()) {
      throw overLimit(
          raw,
          "has a link target of " + target.length() + " characters",
          policy.maxLinkTargetLength(),
          RootfsPolicy.MAX_LINK_LENGTH);
    }
    // A sparse file's real size is what lands on disk and in the layer.
    declaredBytes += Math.max(entry.getSize(), entry.getRealSize());
    if (declaredBytes > policy.maxUncompressedBytes()) {
      throw overLimit(
          raw,
          "brings the content to " + declaredBytes + " bytes",
          policy.maxUncompressedBytes(),
          RootfsPolicy.MAX_BYTES);
    }
  }

  private static EntryRefusedException overLimit(
      String raw, String what, long limit, String variable) {
    return refuse(raw, what + ", over the limit of " + limit + RootfsPolicy.hint(variable));
  }

  private static Kind kind(TarArchiveEntry entry, String raw) throws EntryRefusedException {
    if (entry.isCharacterDevice() || entry.isBlockDevice()) {
      throw refuse(raw, "is a device file; expected files, directories and links only");
    }
    if (entry.isFIFO()) {
      throw refuse(raw, "is a FIFO; expected files, directories and links only");
    }
    if (entry.isDirectory()) {
      return Kind.DIRECTORY;
    }
    if (entry.isSymbolicLink()) {
      return Kind.SYMLINK;
    }
    if (entry.isLink() || REGULAR_TYPES.indexOf(entry.getLinkFlag()) >= 0) {
      return Kind.FILE;
    }
    throw refuse(
        raw,
        "has the unsupported entry type '"
            + (char) entry.getLinkFlag()
            + "'; expected files, directories and links only");
  }

  /** Every parent of the entry must not be a symlink the archive made earlier. */
  private void checkParents(String raw, String name) throws EntryRefusedException {
    String parent = symlinks.symlinkParent(name, path -> seen.get(path) == Kind.SYMLINK);
    if (parent != null) {
      throw refuse(
          raw,
          "lies below "
              + show(parent)
              + ", a symlink earlier in the archive; expected a real directory");
    }
  }

  private void checkMode(TarArchiveEntry entry, String raw) throws EntryRefusedException {
    if (allowSetuid || entry.isDirectory() || entry.isSymbolicLink()) {
      // A set-gid directory only passes its group on to new files, as /var/mail does.
      return;
    }
    int mode = entry.getMode();
    if ((mode & SET_UID) != 0) {
      throw refuse(raw, "is set-uid; allow it with rootfs.allowSetuid: true");
    }
    if ((mode & SET_GID) != 0) {
      throw refuse(raw, "is set-gid; allow it with rootfs.allowSetuid: true");
    }
    for (String key : entry.getExtraPaxHeaders().keySet()) {
      if (key.endsWith("xattr.security.capability")) {
        throw refuse(
            raw,
            "carries file capabilities (like set-uid); allow it with rootfs.allowSetuid: true");
      }
    }
  }

  private void checkHardlink(TarArchiveEntry entry, String raw) throws EntryRefusedException {
    String target = normalize(entry.getLinkName());
    if (target == null || target.isEmpty() || seen.get(target) != Kind.FILE) {
      throw refuse(
          raw,
          "is a hardlink to "
              + show(entry.getLinkName())
              + (target == null ? ", outside the archive" : "")
              + "; expected a regular file earlier in the archive");
    }
  }

  /** A relative target that climbs above the root would make the daemon fail the build. */
  private static void checkSymlink(TarArchiveEntry entry, String raw, String name)
      throws EntryRefusedException {
    String target = entry.getLinkName();
    if (target.isEmpty()) {
      throw refuse(raw, "is a symlink with an empty target");
    }
    if (target.startsWith("/")) {
      return; // resolved inside the image's root by the daemon
    }
    int depth = (int) name.chars().filter(c -> c == '/').count();
    for (String segment : target.split("/")) {
      if (segment.equals("..")) {
        depth--;
        if (depth < 0) {
          throw refuse(
              raw,
              "is a symlink to "
                  + show(target)
                  + ", which points above the root; expected a target inside the image");
        }
      } else if (!segment.isEmpty() && !segment.equals(".")) {
        depth++;
      }
    }
  }

  /**
   * The path without "./" and empty segments, as the daemon extracts it; null when it is absolute,
   * has a ".." segment or a NUL character.
   */
  private static String normalize(String path) {
    if (path.startsWith("/") || path.indexOf('\0') >= 0) {
      return null;
    }
    StringBuilder normal = new StringBuilder(path.length());
    for (String segment : path.split("/")) {
      if (segment.equals("..")) {
        return null;
      }
      if (!segment.isEmpty() && !segment.equals(".")) {
        normal.append(normal.length() == 0 ? "" : "/").append(segment);
      }
    }
    return normal.toString();
  }

  private static String badNameReason(String name) {
    if (name.startsWith("/")) {
      return "has an absolute name; expected a name relative to the image's root";
    }
    if (name.indexOf('\0') >= 0) {
      return "has a NUL character in its name";
    }
    return "has a '..' segment in its name; expected a path inside the image";
  }

  private static EntryRefusedException refuse(String raw, String why) {
    return new EntryRefusedException("entry " + show(raw) + " " + why);
  }

  /** The name in quotes, control characters escaped and long names shortened, for messages. */
  static String show(String name) {
    StringBuilder shown = new StringBuilder("\"");
    name.codePoints()
        .limit(SHOWN_LENGTH)
        .forEach(
            c -> {
              if (c < 0x20 || c == 0x7f || c == '"' || c == '\\') {
                shown.append(String.format("\\u%04x", c));
              } else {
                shown.appendCodePoint(c);
              }
            });
    shown.append('"');
    if (name.codePointCount(0, name.length()) > SHOWN_LENGTH) {
      shown.append(" (shortened; ").append(name.length()).append(" characters)");
    }
    return shown.toString();
  }

  /** An entry that must not reach the daemon; the message names it. */
  static final class EntryRefusedException extends Exception {
    private static final long serialVersionUID = 1L;

    EntryRefusedException(String message) {
      super(message);
    }
  }
}
