package dev.imageci.context;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.imageci.context.Tarballs.Compression;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

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

  @Test
  void putsTheRootfsFirstAndTheDockerfileLast() throws Exception {
    Path rootfs = Tarballs.tar().file("a", "b").write(dir.resolve("r.tar"), Compression.NONE);

    try (InputStream context = new BuildContext(DOCKERFILE, rootfs, "rootfs.tar").open()) {

      assertThat(read(context).keySet()).containsExactly("rootfs.tar", "Dockerfile");
    }
  }

  @Test
  void streamsACheckedRootfsWholeTrailingBytesIncluded() throws Exception {
    byte[] archive = RootfsPreparerTest.goodRootfs().zeros("big", 3 << 20).bytes(Compression.NONE);
    byte[] trailing = "bytes after the end of the tar".repeat(100).getBytes(StandardCharsets.UTF_8);
    Path file = dir.resolve("rootfs.tar");
    Files.write(file, archive);
    Files.write(file, trailing, java.nio.file.StandardOpenOption.APPEND);
    PreparedRootfs prepared = prepareForUpload(file);

    Map<String, byte[]> entries;
    try (BuildContext.Stream context =
        BuildContext.of(sha256 -> DOCKERFILE, prepared, "rootfs.tar").open()) {
      entries = read(context);
      context.throwIfRootfsRefused();
    }

    assertThat(prepared.entriesChecked()).as("left to the context").isFalse();
    assertThat(entries.get("rootfs.tar")).isEqualTo(Files.readAllBytes(file));
    assertThat(entries).containsKey("Dockerfile");
  }

  /**
   * Each hostile archive, prepared with its hash taken first and with its hash taken on the way.
   */
  static Stream<Arguments> hostileArchivesEitherWay() {
    return RootfsPreparerTest.hostileArchives()
        .flatMap(
            arguments ->
                Stream.of(false, true)
                    .map(
                        onTheWay -> {
                          Object[] given = arguments.get();
                          String way = onTheWay ? " (hashed on the way)" : " (hashed first)";
                          return Arguments.of(given[0] + way, given[1], given[2], onTheWay);
                        }));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("hostileArchivesEitherWay")
  void aRootfsRefusedOnTheWayFailsTheStreamBeforeTheDockerfile(
      String name, Tarballs archive, String message, boolean onTheWay) throws Exception {
    // Over a pipe buffer of bytes goes out before the refused entry.
    Path file =
        Tarballs.tar()
            .random("padding", 3 << 20)
            .then(archive)
            .write(dir.resolve("rootfs.tar.gz"), Compression.GZIP);
    PreparedRootfs prepared = onTheWay ? prepareHashedOnTheWay(file, null) : prepareForUpload(file);

    ByteArrayOutputStream sent = new ByteArrayOutputStream();
    try (BuildContext.Stream context =
        BuildContext.of(sha256 -> DOCKERFILE, prepared, "rootfs.tar.gz").open()) {

      assertThatThrownBy(() -> copyUntilFailure(context, sent))
          .isInstanceOf(IOException.class)
          .hasMessageContaining("writing the build context failed")
          .hasMessageContaining(message);
      assertThatThrownBy(context::throwIfRootfsRefused)
          .isInstanceOf(RootfsException.class)
          .hasMessageStartingWith("rootfs " + file + ": ")
          .hasMessageContaining(message);
    }
    String text = sent.toString(StandardCharsets.ISO_8859_1);
    assertThat(sent.size()).as("bytes sent before the refusal").isGreaterThan(3 << 20);
    assertThat(text).as("no Dockerfile entry was sent").doesNotContain("Dockerfile");
    assertThat(text).doesNotContain("CMD [");
    if (onTheWay) {
      assertThat(prepared.sha256()).as("no hash of a refused rootfs").isNull();
    }
  }

  @Test
  void aRootfsHashedOnTheWayGivesTheDockerfileTheHashOfTheBytesSent() throws Exception {
    Path file =
        RootfsPreparerTest.goodRootfs()
            .random("big", 3 << 20)
            .write(dir.resolve("rootfs.tar.gz"), Compression.GZIP);
    String expected = Tarballs.sha256(Files.readAllBytes(file));
    PreparedRootfs prepared = prepareHashedOnTheWay(file, "sha256:" + expected.toUpperCase());

    Map<String, byte[]> entries;
    try (BuildContext.Stream context =
        BuildContext.of(sha256 -> DOCKERFILE + "LABEL x=" + sha256 + "\n", prepared, "r.tar.gz")
            .open()) {
      entries = read(context);
      context.throwIfRootfsRefused();
    }

    assertThat(prepared.sha256()).isEqualTo(expected);
    assertThat(entries.get("r.tar.gz")).isEqualTo(Files.readAllBytes(file));
    assertThat(new String(entries.get("Dockerfile"), StandardCharsets.UTF_8))
        .isEqualTo(DOCKERFILE + "LABEL x=" + expected + "\n");
  }

  @Test
  void aRootfsHashedOnTheWayThatIsNotTheFormsSha256EndsWithoutTheDockerfile() throws Exception {
    Path file =
        RootfsPreparerTest.goodRootfs()
            .zeros("big", 2 << 20)
            .write(dir.resolve("r.tar"), Compression.NONE);
    String actual = Tarballs.sha256(Files.readAllBytes(file));
    String expected = "ab".repeat(32);
    PreparedRootfs prepared = prepareHashedOnTheWay(file, expected);

    ByteArrayOutputStream sent = new ByteArrayOutputStream();
    try (BuildContext.Stream context =
        BuildContext.of(sha256 -> DOCKERFILE, prepared, "r.tar").open()) {

      assertThatThrownBy(() -> copyUntilFailure(context, sent)).isInstanceOf(IOException.class);
      assertThatThrownBy(context::throwIfRootfsRefused)
          .isInstanceOf(RootfsException.class)
          .hasMessage(RootfsPreparerTest.shaMismatch(file, expected, actual));
    }
    assertThat(sent.size()).as("the rootfs' bytes went out").isGreaterThanOrEqualTo(2 << 20);
    assertThat(sent.toString(StandardCharsets.ISO_8859_1)).doesNotContain("Dockerfile");
    assertThat(prepared.sha256()).isNull();
  }

  @Test
  void aRootfsRefusedAtItsLastByteStillEndsWithoutTheDockerfile() throws Exception {
    byte[] whole = Tarballs.tar().zeros("data", 2 << 20).file("z", "z").bytes(Compression.NONE);
    Path file = Files.write(dir.resolve("cut.tar"), Arrays.copyOf(whole, 1 << 20));
    PreparedRootfs prepared = prepareForUpload(file);

    ByteArrayOutputStream sent = new ByteArrayOutputStream();
    try (BuildContext.Stream context =
        BuildContext.of(sha256 -> DOCKERFILE, prepared, "cut.tar").open()) {

      assertThatThrownBy(() -> copyUntilFailure(context, sent))
          .hasMessageContaining("the uncompressed tar archive is broken or truncated");
    }
    assertThat(sent.size()).as("the rootfs' bytes went out").isGreaterThanOrEqualTo(1 << 20);
    assertThat(sent.toString(StandardCharsets.ISO_8859_1)).doesNotContain("Dockerfile");
  }

  @ParameterizedTest(name = "hashed on the way: {0}")
  @ValueSource(booleans = {false, true})
  void refusesAFileRewrittenAfterItWasHashedOrTheBuildStarted(boolean onTheWay) throws Exception {
    Path file = Tarballs.tar().file("a", "one").write(dir.resolve("r.tar"), Compression.NONE);
    PreparedRootfs prepared = onTheWay ? prepareHashedOnTheWay(file, null) : prepareForUpload(file);
    Files.write(file, Tarballs.tar().file("a", "two").bytes(Compression.NONE));
    Files.setLastModifiedTime(file, FileTime.fromMillis(System.currentTimeMillis() + 60_000));

    try (BuildContext.Stream context =
        BuildContext.of(sha256 -> DOCKERFILE, prepared, "r.tar").open()) {

      assertThatThrownBy(context::readAllBytes).hasMessageContaining("writing the build context");
      assertThatThrownBy(context::throwIfRootfsRefused)
          .hasMessageStartingWith(
              "rootfs "
                  + file
                  + (onTheWay
                      ? " changed while it was being sent: "
                      : " changed after it was hashed: "))
          .hasMessageContaining(onTheWay ? "after the build started" : "after it was hashed");
    }
    if (onTheWay) {
      assertThat(prepared.sha256()).as("no hash of bytes that were not all sent").isNull();
    }
  }

  @Test
  void refusesAFileThatGrewAfterItWasHashed() throws Exception {
    Path file = Tarballs.tar().file("a", "one").write(dir.resolve("r.tar"), Compression.NONE);
    PreparedRootfs prepared = prepareForUpload(file);
    Files.write(file, new byte[512], java.nio.file.StandardOpenOption.APPEND);

    try (BuildContext.Stream context =
        BuildContext.of(sha256 -> DOCKERFILE, prepared, "r.tar").open()) {

      assertThatThrownBy(context::readAllBytes).isInstanceOf(IOException.class);
      assertThatThrownBy(context::throwIfRootfsRefused)
          .hasMessageContaining("changed after it was hashed: it had " + prepared.size() + " bytes")
          .hasMessageContaining("now has more");
    }
  }

  @Test
  void aFileCheckedAlreadyIsStreamedWithoutCheckingItAgain() throws Exception {
    Path file =
        Tarballs.tar().file("bin/su", "x", 04755).write(dir.resolve("r.tar"), Compression.NONE);
    PreparedRootfs checked =
        new PreparedRootfs(
            file, Tarballs.sha256(Files.readAllBytes(file)), Files.size(file), false);

    try (BuildContext.Stream context =
        BuildContext.of(sha256 -> DOCKERFILE, checked, "r.tar").open()) {

      assertThat(read(context).get("r.tar")).isEqualTo(Files.readAllBytes(file));
    }
  }

  private static PreparedRootfs prepareForUpload(Path file) throws RootfsException {
    return new RootfsPreparer(RootfsPolicy.defaults())
        .prepareForUpload(RootfsPreparerTest.local(file, null, false));
  }

  private static PreparedRootfs prepareHashedOnTheWay(Path file, String sha256)
      throws RootfsException {
    return new RootfsPreparer(RootfsPolicy.defaults())
        .prepareHashedOnTheWay(RootfsPreparerTest.local(file, sha256, false));
  }

  /** Copies what the stream gives until it fails (or ends), like the HTTP client does. */
  private static void copyUntilFailure(InputStream context, OutputStream sent) throws IOException {
    byte[] buffer = new byte[64 * 1024];
    for (int read; (read = context.read(buffer)) >= 0; ) {
      sent.write(buffer, 0, read);
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
