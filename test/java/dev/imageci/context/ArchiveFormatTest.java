package dev.imageci.context;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imageci.context.Tarballs.Compression;
import java.util.HexFormat;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ArchiveFormatTest {

  @ParameterizedTest
  @CsvSource({"NONE, TAR", "GZIP, GZIP", "BZIP2, BZIP2", "XZ, XZ"})
  void tellsTheCompressionFromTheFirstBytes(Compression compression, ArchiveFormat expected) {
    byte[] archive = Tarballs.tar().file("a", "b").bytes(compression);

    assertThat(ArchiveFormat.detect(archive, archive.length)).isEqualTo(expected);
  }

  @ParameterizedTest
  @CsvSource({"28b52ffd00, ZSTD", "1f, TAR", "425a, TAR", "00, TAR"})
  void needsTheWholeMagic(String hex, ArchiveFormat expected) {
    byte[] head = HexFormat.of().parseHex(hex);

    assertThat(ArchiveFormat.detect(head, head.length)).isEqualTo(expected);
  }
}
