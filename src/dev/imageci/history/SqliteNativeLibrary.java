package dev.imageci.history;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Locale;
import java.util.zip.CRC32;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the SQLite driver's native library in a directory of imageci's own, so that it is written
 * once, not on every run: by default the driver copies it out of the jar to a new temporary file
 * each time it loads, which costs a quarter of a second of every short command.
 *
 * <p>Only glibc Linux on x86_64 and aarch64 is handled here; anywhere else, or when anything goes
 * wrong, the driver is left to find its library itself, as it always can.
 */
// Limitation: glibc Linux (x86_64, aarch64) only, because only those builds of the driver were
// tried.
final class SqliteNativeLibrary {

  private static final Logger LOG = LoggerFactory.getLogger(SqliteNativeLibrary.class);

  // The driver reads these on its first connection.
  static final String PATH_PROPERTY = "org.sqlite.lib.path";
  static final String NAME_PROPERTY = "org.sqlite.lib.name";

  private SqliteNativeLibrary() {}

  /** Points the driver at a kept copy of its library under {@code directory}. */
  static synchronized void keepIn(Path directory) {
    if (System.getProperty(PATH_PROPERTY) != null) {
      return;
    }
    String folder = nativeFolder();
    if (folder == null) {
      return;
    }
    try (InputStream in =
        SqliteNativeLibrary.class.getResourceAsStream(
            "/org/sqlite/native/" + folder + "/libsqlitejdbc.so")) {
      if (in == null) {
        return;
      }
      byte[] library = in.readAllBytes();
      Path kept = directory.resolve("libsqlitejdbc-" + checksum(library) + ".so");
      if (!Files.isRegularFile(kept) || Files.size(kept) != library.length) {
        write(directory, kept, library);
      }
      System.setProperty(PATH_PROPERTY, directory.toString());
      System.setProperty(NAME_PROPERTY, kept.getFileName().toString());
    } catch (IOException | RuntimeException e) {
      LOG.debug("Leaving the SQLite driver to load its own library: {}", e.toString());
    }
  }

  /** The driver's folder for this machine, or null where it is not a glibc Linux one. */
  static String nativeFolder() {
    String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
    String arch = System.getProperty("os.arch", "");
    String folder =
        switch (arch) {
          case "amd64", "x86_64" -> "x86_64";
          case "aarch64", "arm64" -> "aarch64";
          default -> null;
        };
    boolean musl =
        Files.exists(Path.of("/lib/ld-musl-x86_64.so.1"))
            || Files.exists(Path.of("/lib/ld-musl-aarch64.so.1"));
    return os.equals("linux") && folder != null && !musl ? "Linux/" + folder : null;
  }

  // Written aside and moved into place, so a process that finds the file finds all of it.
  private static void write(Path directory, Path kept, byte[] library) throws IOException {
    Files.createDirectories(directory);
    Path partial = Files.createTempFile(directory, "libsqlitejdbc-", ".partial");
    try {
      Files.write(partial, library);
      Files.move(partial, kept, StandardCopyOption.ATOMIC_MOVE);
    } finally {
      Files.deleteIfExists(partial);
    }
  }

  private static String checksum(byte[] bytes) {
    CRC32 crc = new CRC32();
    crc.update(bytes);
    return Long.toHexString(crc.getValue());
  }
}
