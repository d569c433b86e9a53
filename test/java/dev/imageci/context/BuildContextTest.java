package dev.imageci.context;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.imageci.context.Tarballs.Compression;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BuildContextTest {

  private static final String DOCKERFILE = "FROM scratch\nADD rootfs.tar.gz /\nCMD [\"/bin/sh\"]\n";

  @TempDir Path dir;

  @Test
  void streamsTheDockerfileAndTheRootfsBytesUnchanged() throws Exception {
    Path rootfs =
        RootfsPreparerTest.goodRootfs()
            .zeros("big", 1 << 20) // more than the pipe holds, so writer and reader take turns
            .write(dir.resolve("rootfs.tar.gz"), Compression.GZIP);

    Map<String, byte[]> entries;
    try (InputStream context = new BuildContext(DOCKERFILE, rootfs, "rootfs.tar.gz").open()) {
      entries = read(context);
    }

    assertThat(entries).containsOnlyKeys("Dockerfile", "rootfs.tar.gz");
    assertThat(new String(entries.get("Dockerfile"), StandardCharsets.UTF_8)).isEqualTo(DOCKERFILE);
    assertThat(entries.get("rootfs.tar.gz")).isEqualTo(Files.readAllBytes(rootfs));
  }

  @Test
  void streamsOnlyTheDockerfileWithoutARootfs() throws Exception {
    try (InputStream context = new BuildContext("FROM scratch\n", null, null).open()) {

      assertThat(read(context)).containsOnlyKeys("Dockerfile");
    }
  }

  @Test
  void isTheSameBytesForTheSameInputs() throws Exception {
    Path rootfs = Tarballs.tar().file("a", "b").write(dir.resolve("r.tar"), Compression.NONE);

    byte[] first;
    byte[] second;
    try (InputStream context = new BuildContext(DOCKERFILE, rootfs, "rootfs.tar").open()) {
      first = context.readAllBytes();
    }
    try (InputStream context = new BuildContext(DOCKERFILE, rootfs, "rootfs.tar").open()) {
      second = context.readAllBytes();
    }

    assertThat(first).isEqualTo(second);
  }

  @Test
  void aFailingWriterSurfacesAsAnIOExceptionNotAShortStream() throws Exception {
    Path missing = dir.resolve("gone.tar.gz");

    try (InputStream context = new BuildContext(DOCKERFILE, missing, "rootfs.tar.gz").open()) {

      assertThatThrownBy(context::readAllBytes)
          .isInstanceOf(IOException.class)
          .hasMessageContaining("writing the build context failed")
          .hasMessageContaining("gone.tar.gz");
    }
  }

  @Test
  void aFailingWriterSurfacesToSingleByteReadsToo() throws Exception {
    Path missing = dir.resolve("gone.tar.gz");

    try (InputStream context = new BuildContext(DOCKERFILE, missing, "rootfs.tar.gz").open()) {

      assertThatThrownBy(
              () -> {
                while (context.read() >= 0) {
                  // read to the end, a byte at a time
                }
              })
          .isInstanceOf(IOException.class)
          .hasMessageContaining("writing the build context failed");
    }
  }

  @Test
  void writesTheSameTarToAnOutputStream() throws Exception {
    Path rootfs = Tarballs.tar().file("a", "b").write(dir.resolve("r.tar"), Compression.NONE);
    Path out = dir.resolve("context.tar");

    try (OutputStream stream = Files.newOutputStream(out)) {
      new BuildContext(DOCKERFILE, rootfs, "rootfs.tar").writeTo(stream);
    }

    try (InputStream context = Files.newInputStream(out)) {
      assertThat(read(context).get("rootfs.tar")).isEqualTo(Files.readAllBytes(rootfs));
    }
  }

  private static Map<String, byte[]> read(InputStream context) throws IOException {
    Map<String, byte[]> entries = new LinkedHashMap<>();
    TarArchiveInputStream tar = new TarArchiveInputStream(context);
    for (TarArchiveEntry entry; (entry = tar.getNextEntry()) != null; ) {
      entries.put(entry.getName(), tar.readAllBytes());
    }
    return entries;
  }
}
