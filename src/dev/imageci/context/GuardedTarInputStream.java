package dev.imageci.context;

import java.io.IOException;
import java.io.InputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarUtils;

/**
 * A tar reader that refuses oversized metadata headers (PAX, GNU long names) before the library
 * reads one into memory whole: a header claiming gigabytes would otherwise be allocated as such.
 */
final class GuardedTarInputStream extends TarArchiveInputStream {

  /** Far more than any name, link target and extended attributes of a real file need. */
  static final long MAX_METADATA_BYTES = 1024 * 1024;

  private static final int TYPE_OFFSET = 156;
  private static final int SIZE_OFFSET = 124;
  private static final int SIZE_LENGTH = 12;
  private static final String METADATA_TYPES = "xgLKX";

  GuardedTarInputStream(InputStream in) {
    // Strict parsing: a malformed header is an error, not something to guess around.
    super(in, false);
  }

  @Override
  protected byte[] readRecord() throws IOException {
    byte[] record = super.readRecord();
    if (record != null && record.length > TYPE_OFFSET) {
      char type = (char) record[TYPE_OFFSET];
      if (type != 0 && METADATA_TYPES.indexOf(type) >= 0) {
        long size = metadataSize(record);
        if (size > MAX_METADATA_BYTES) {
          throw new CappedInputStream.LimitExceededException(
              "a metadata header (type '"
                  + type
                  + "') of "
                  + size
                  + " bytes is larger than the limit of "
                  + MAX_METADATA_BYTES
                  + " bytes");
        }
      }
    }
    return record;
  }

  private static long metadataSize(byte[] record) {
    try {
      return TarUtils.parseOctalOrBinary(record, SIZE_OFFSET, SIZE_LENGTH);
    } catch (IllegalArgumentException e) {
      return 0; // the library reports the malformed header itself
    }
  }
}
