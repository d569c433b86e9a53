package dev.imageci.context;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import org.apache.commons.compress.compressors.bzip2.BZip2CompressorInputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;
import org.apache.commons.compress.compressors.xz.XZCompressorInputStream;

/**
 * How a rootfs archive is compressed, told by its first bytes and never by its file name: the
 * daemon's ADD decides the same way, so a misnamed file is still read as what it is.
 */
enum ArchiveFormat {
  GZIP("gzip", new byte[] {0x1f, (byte) 0x8b}),
  BZIP2("bzip2", new byte[] {'B', 'Z', 'h'}),
  XZ("xz", new byte[] {(byte) 0xfd, '7', 'z', 'X', 'Z', 0x00}),
  ZSTD("zstd", new byte[] {0x28, (byte) 0xb5, 0x2f, (byte) 0xfd}),
  TAR("uncompressed tar", new byte[0]);

  /** The most bytes {@link #detect} looks at. */
  static final int MAGIC_LENGTH = 6;

  // xz -9 needs 65 MiB to decompress; a header asking for more is refused, not allocated.
  private static final int XZ_MEMORY_LIMIT_KIB = 256 * 1024;

  private final String label;
  private final byte[] magic;

  ArchiveFormat(String label, byte[] magic) {
    this.label = label;
    this.magic = magic;
  }

  /** The format whose magic bytes {@code head} starts with; anything else may be a plain tar. */
  static ArchiveFormat detect(byte[] head, int length) {
    for (ArchiveFormat format : values()) {
      if (format.magic.length > 0
          && length >= format.magic.length
          && Arrays.equals(head, 0, format.magic.length, format.magic, 0, format.magic.length)) {
        return format;
      }
    }
    return TAR;
  }

  /** Refuses a format that cannot be read here, before any of it is read. */
  void checkSupported() throws UnsupportedFormatException {
    if (this == ZSTD) {
      throw new UnsupportedFormatException(
          // Limitation: zstd is refused because its reader needs a native library.
          "it is zstd-compressed, which imageci cannot check; use gzip, bzip2 or xz");
    }
  }

  /** The uncompressed tar stream; concatenated gzip members are read as one, as gunzip does. */
  InputStream decompress(InputStream in) throws IOException {
    checkSupported();
    return switch (this) {
      case GZIP ->
          GzipCompressorInputStream.builder()
              .setInputStream(in)
              .setDecompressConcatenated(true)
              .get();
      case BZIP2 -> new BZip2CompressorInputStream(in, true);
      case XZ -> new XZCompressorInputStream(in, true, XZ_MEMORY_LIMIT_KIB);
      case ZSTD, TAR -> in; // zstd never gets here: checkSupported refused it
    };
  }

  @Override
  public String toString() {
    return label;
  }

  /** An archive compressed in a way that cannot be read here. */
  static final class UnsupportedFormatException extends IOException {
    private static final long serialVersionUID = 1L;

    UnsupportedFormatException(String message) {
      super(message);
    }
  }
}
