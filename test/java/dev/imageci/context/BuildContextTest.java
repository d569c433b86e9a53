package dev.imageci.context;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.imageci.context.Tarballs.Compression;
import java.io.ByteArrayInputStream;
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

    String sent = refusedBeforeTheDockerfile(prepared, BuildContextTest::copyUntilFailure, message);

    assertThat(sent).doesNotContain("CMD [");
    if (onTheWay) {
      assertThat(prepared.sha256()).as("no hash of a refused rootfs").isNull();
    }
  }

  @Test
  void aRootfsRefusedWhileTheStreamIsReadFailsTheReadBeforeTheDockerfile() throws Exception {
    Path file =
        Tarballs.tar()
            .random("padding", 3 << 20)
            .file("bin/su", "x", 04755)
            .write(dir.resolve("rootfs.tar"), Compression.NONE);
    PreparedRootfs prepared = prepareHashedOnTheWay(file, null);

    refusedBeforeTheDockerfile(prepared, BuildContextTest::readUntilFailure, "bin/su");

    assertThat(prepared.sha256()).isNull();
  }

  /**
   * Takes the context of a rootfs to be refused over its 3 MiB of leading bytes out with {@code
   * copy}, checks that it failed with the refusal before the Dockerfile, and returns what went out.
   */
  private static String refusedBeforeTheDockerfile(
      PreparedRootfs prepared, Copy copy, String message) throws Exception {
    ByteArrayOutputStream sent = new ByteArrayOutputStream();
    try (BuildContext.Stream context =
        BuildContext.of(sha256 -> DOCKERFILE, prepared, "rootfs.tar.gz").open()) {

      assertThatThrownBy(() -> copy.until(context, sent))
          .isInstanceOf(IOException.class)
          .hasMessageContaining("writing the build context failed")
          .hasMessageContaining(message);
      assertThatThrownBy(context::throwIfRootfsRefused)
          .isInstanceOf(RootfsException.class)
          .hasMessageStartingWith("rootfs " + prepared.file() + ": ")
          .hasMessageContaining(message);
    }
    String text = sent.toString(StandardCharsets.ISO_8859_1);
    assertThat(sent.size()).as("bytes sent before the refusal").isGreaterThan(3 << 20);
    assertThat(text).as("no Dockerfile entry was sent").doesNotContain("Dockerfile");
    return text;
  }

  /** A way of taking the context out, until it fails or ends. */
  private interface Copy {
    void until(InputStream context, OutputStream sent) throws IOException;
  }

  @Test
  void sendingTheStreamGivesTheSameBytesAsReadingIt() throws Exception {
    Path file =
        RootfsPreparerTest.goodRootfs()
            .random("big", 3 << 20)
            .write(dir.resolve("rootfs.tar"), Compression.NONE);

    ByteArrayOutputStream sent = new ByteArrayOutputStream();
    long count;
    try (BuildContext.Stream context =
        BuildContext.of(
                sha256 -> DOCKERFILE + "# " + sha256, prepareHashedOnTheWay(file, null), "r")
            .open()) {
      count = context.transferTo(sent);
    }
    byte[] read;
    try (BuildContext.Stream context =
        BuildContext.of(
                sha256 -> DOCKERFILE + "# " + sha256, prepareHashedOnTheWay(file, null), "r")
            .open()) {
      read = context.readAllBytes();
    }

    assertThat(sent.toByteArray()).isEqualTo(read);
    assertThat(count).isEqualTo(read.length);
    assertThat(read.length % 512).as("whole tar blocks").isZero();
    assertThat(new String(read(new ByteArrayInputStream(read)).get("Dockerfile"), UTF_8))
        .isEqualTo(DOCKERFILE + "# " + Tarballs.sha256(Files.readAllBytes(file)));
  }

  @Test
  void sendingAStreamPartlyReadSendsTheRestThroughThePipe() throws Exception {
    Path file = Tarballs.tar().random("a", 3 << 20).write(dir.resolve("r.tar"), Compression.NONE);
    byte[] whole;
    try (InputStream context = new BuildContext(DOCKERFILE, file, "rootfs.tar").open()) {
      whole = context.readAllBytes();
    }

    ByteArrayOutputStream sent = new ByteArrayOutputStream();
    try (InputStream context = new BuildContext(DOCKERFILE, file, "rootfs.tar").open()) {
      sent.write(context.readNBytes(1000));
      context.transferTo(sent);
    }

    assertThat(sent.toByteArray()).isEqualTo(whole);
  }

  @Test
  void aStreamSentWholeCannotBeReadAgain() throws Exception {
    try (InputStream context = new BuildContext("FROM scratch\n", null, null).open()) {
      context.transferTo(OutputStream.nullOutputStream());

      assertThatThrownBy(context::read).hasMessageContaining("already written out whole");
    }
  }

  @Test
  void closingTheStreamStopsASendUnderWay() throws Exception {
    Path file = Tarballs.tar().random("a", 3 << 20).write(dir.resolve("r.tar"), Compression.NONE);
    ByteArrayOutputStream sent = new ByteArrayOutputStream();
    BuildContext.Stream context = new BuildContext(DOCKERFILE, file, "rootfs.tar").open();
    OutputStream closesOnFirstWrite =
        new OutputStream() {
          @Override
          public void write(int b) {
            sent.write(b);
          }

          @Override
          public void write(byte[] bytes, int offset, int length) throws IOException {
            sent.write(bytes, offset, length);
            context.close(); // as the build's end would, from another thread
          }
        };

    assertThatThrownBy(() -> context.transferTo(closesOnFirstWrite))
        .hasMessageContaining("writing the build context failed")
        .hasMessageContaining("closed while it was being written");
    assertThat(sent.size()).isLessThan(3 << 20);
    assertThatCode(context::throwIfRootfsRefused)
        .as("not the rootfs' fault")
        .doesNotThrowAnyException();
  }

  @Test
  void aRootfsPastWhatOctalTarFieldsHoldGetsABinarySize() throws Exception {
    long size = 9L << 30; // the octal size field ends at 8 GiB - 1

    TarArchiveEntry entry = new TarArchiveEntry(BuildContext.header("rootfs.tar", size));

    assertThat(entry.getSize()).isEqualTo(size);
    assertThat(entry.getName()).isEqualTo("rootfs.tar");
    assertThat(entry.isFile()).isTrue();
  }

  @Test
  void headersHoldFixedOwnersModeAndTime() throws Exception {
    byte[] header = BuildContext.header("Dockerfile", 42);

    TarArchiveEntry entry = new TarArchiveEntry(header);
    assertThat(header).hasSize(512);
    assertThat(entry.getSize()).isEqualTo(42);
    assertThat(entry.getMode() & 07777).isEqualTo(0644);
    assertThat(entry.getLongUserId()).isZero();
    assertThat(entry.getLongGroupId()).isZero();
    assertThat(entry.getLastModifiedTime().toMillis()).isZero();
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

  /** Sends the stream as the HTTP client does; what went out before a failure stays in sent. */
  private static void copyUntilFailure(InputStream context, OutputStream sent) throws IOException {
    context.transferTo(sent);
  }

  /** Reads the stream as a client without transferTo does, keeping what it read. */
  private static void readUntilFailure(InputStream context, OutputStream sent) throws IOException {
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
