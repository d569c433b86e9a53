package dev.imageci.context;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.apache.commons.compress.compressors.bzip2.BZip2CompressorOutputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;
import org.apache.commons.compress.compressors.xz.XZCompressorOutputStream;

/** Builds tar archives, hostile ones included, for the tests. */
final class Tarballs {

  enum Compression {
    NONE,
    GZIP,
    BZIP2,
    XZ
  }

  private interface Writer {
    void write(TarArchiveOutputStream tar) throws IOException;
  }

  private final List<Writer> writers = new ArrayList<>();

  static Tarballs tar() {
    return new Tarballs();
  }

  Tarballs dir(String name) {
    return dir(name, 0755);
  }

  Tarballs dir(String name, int mode) {
    return add(entry(name.endsWith("/") ? name : name + "/", TarConstants.LF_DIR, mode), null);
  }

  Tarballs file(String name, String content) {
    return file(name, content, 0644);
  }

  Tarballs file(String name, String content, int mode) {
    return add(entry(name, TarConstants.LF_NORMAL, mode), content.getBytes(StandardCharsets.UTF_8));
  }

  /** A file of {@code size} zero bytes, written without holding them in memory. */
  Tarballs zeros(String name, long size) {
    writers.add(
        tar -> {
          TarArchiveEntry entry = entry(name, TarConstants.LF_NORMAL, 0644);
          entry.setSize(size);
          tar.putArchiveEntry(entry);
          byte[] block = new byte[64 * 1024];
          for (long left = size; left > 0; left -= block.length) {
            tar.write(block, 0, (int) Math.min(block.length, left));
          }
          tar.closeArchiveEntry();
        });
    return this;
  }

  /** A file of {@code size} random (incompressible) bytes. */
  Tarballs random(String name, int size) {
    byte[] bytes = new byte[size];
    new java.util.Random(size).nextBytes(bytes);
    return add(entry(name, TarConstants.LF_NORMAL, 0644), bytes);
  }

  /** Appends the entries of {@code more}. */
  Tarballs then(Tarballs more) {
    writers.addAll(more.writers);
    return this;
  }

  Tarballs symlink(String name, String target) {
    TarArchiveEntry entry = entry(name, TarConstants.LF_SYMLINK, 0777);
    entry.setLinkName(target);
    return add(entry, null);
  }

  Tarballs hardlink(String name, String target) {
    return hardlink(name, target, 0644);
  }

  Tarballs hardlink(String name, String target, int mode) {
    TarArchiveEntry entry = entry(name, TarConstants.LF_LINK, mode);
    entry.setLinkName(target);
    return add(entry, null);
  }

  Tarballs special(String name, byte type) {
    TarArchiveEntry entry = entry(name, type, 0644);
    entry.setDevMajor(1);
    entry.setDevMinor(3);
    return add(entry, null);
  }

  Tarballs entry(TarArchiveEntry entry) {
    return add(entry, null);
  }

  byte[] bytes(Compression compression) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    write(out, compression);
    return out.toByteArray();
  }

  Path write(Path file, Compression compression) throws IOException {
    try (OutputStream out = Files.newOutputStream(file)) {
      write(out, compression);
    }
    return file;
  }

  static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  void write(OutputStream out, Compression compression) {
    try (OutputStream compressed = compress(out, compression);
        TarArchiveOutputStream tar = new TarArchiveOutputStream(compressed)) {
      tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
      tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
      for (Writer writer : writers) {
        writer.write(tar);
      }
      tar.finish();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static OutputStream compress(OutputStream out, Compression compression)
      throws IOException {
    return switch (compression) {
      case NONE -> out;
      case GZIP -> new GzipCompressorOutputStream(out);
      case BZIP2 -> new BZip2CompressorOutputStream(out);
      case XZ -> new XZCompressorOutputStream(out);
    };
  }

  private Tarballs add(TarArchiveEntry entry, byte[] content) {
    writers.add(
        tar -> {
          entry.setSize(content == null ? 0 : content.length);
          tar.putArchiveEntry(entry);
          if (content != null) {
            tar.write(content);
          }
          tar.closeArchiveEntry();
        });
    return this;
  }

  private static TarArchiveEntry entry(String name, byte type, int mode) {
    // preserveAbsolutePath: hostile names must reach the archive as written.
    TarArchiveEntry entry = new TarArchiveEntry(name, type, true);
    entry.setMode(mode);
    return entry;
  }
}
