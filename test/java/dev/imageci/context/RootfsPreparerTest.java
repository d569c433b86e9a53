package dev.imageci.context;

import static dev.imageci.context.Tarballs.tar;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.imageci.config.Rootfs;
import dev.imageci.context.Tarballs.Compression;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.apache.commons.compress.archivers.zip.ZipEncodingHelper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

class RootfsPreparerTest {

  @TempDir Path dir;

  private final RootfsPreparer preparer = new RootfsPreparer(RootfsPolicy.defaults());

  /** A small but real-shaped rootfs: busybox with its applet links, a hardlink, a set-gid dir. */
  /** The message of a rootfs refused for not being what the form's sha256 says. */
  static String shaMismatch(Path file, String expected, String actual) {
    return "rootfs "
        + file
        + ": sha256 mismatch: the form expects "
        + expected
        + " but the archive has "
        + actual;
  }

  static Tarballs goodRootfs() {
    return tar()
        .dir("./")
        .dir("./bin")
        .file("./bin/busybox", "\u007fELF pretend busybox", 0755)
        .symlink("./bin/sh", "busybox")
        .symlink("./bin/ls", "/bin/busybox")
        .hardlink("./bin/ash", "./bin/busybox", 0755)
        .dir("etc")
        .file("etc/passwd", "root:x:0:0:root:/root:/bin/sh\n")
        .symlink("etc/localtime", "/usr/share/zoneinfo/UTC")
        .symlink("etc/mtab", "../proc/self/mounts")
        .dir("var/mail", 02775)
        .symlink("usr", ".")
        .file("sbin//init", "#!/bin/sh\n", 0755);
  }

  @ParameterizedTest
  @EnumSource(Compression.class)
  void acceptsAGoodRootfsWithItsSha256AndSize(Compression compression) throws Exception {
    Path file = goodRootfs().write(dir.resolve("rootfs.tar.gz"), compression);
    String sha256 = Tarballs.sha256(Files.readAllBytes(file));

    try (PreparedRootfs prepared = preparer.prepare(local(file, sha256, false))) {

      assertThat(prepared.file()).isEqualTo(file);
      assertThat(prepared.sha256()).isEqualTo(sha256);
      assertThat(prepared.size()).isEqualTo(Files.size(file));
      assertThat(prepared.temporary()).isFalse();
    }
    assertThat(file).as("a local rootfs is never deleted").exists();
  }

  @Test
  void hashesEveryByteOfAPlainTarEvenWhereTheReaderSkipsContent() throws Exception {
    Path file =
        tar()
            .zeros("big", 3_000_000)
            .file("after", "x")
            .write(dir.resolve("r.tar"), Compression.NONE);

    PreparedRootfs prepared = preparer.prepare(local(file, null, false));

    assertThat(prepared.sha256()).isEqualTo(Tarballs.sha256(Files.readAllBytes(file)));
    assertThat(prepared.size()).isEqualTo(Files.size(file));
  }

  @Test
  void refusesASha256Mismatch() throws Exception {
    Path file = goodRootfs().write(dir.resolve("rootfs.tar.gz"), Compression.GZIP);
    String actual = Tarballs.sha256(Files.readAllBytes(file));
    String expected = "ab".repeat(32);

    assertThatThrownBy(() -> preparer.prepare(local(file, expected, false)))
        .isInstanceOf(RootfsException.class)
        .hasMessageContaining("sha256 mismatch")
        .hasMessageContaining(expected)
        .hasMessageContaining(actual);
  }

  static Stream<Arguments> hostileArchives() {
    return Stream.of(
        Arguments.of(
            "traversal",
            tar().file("../../etc/passwd", "x"),
            "entry \"../../etc/passwd\" has a '..' segment in its name"),
        Arguments.of(
            "traversal inside",
            tar().file("a/../../b", "x"),
            "entry \"a/../../b\" has a '..' segment in its name"),
        Arguments.of(
            "absolute",
            tar().file("/etc/cron.d/evil", "x"),
            "entry \"/etc/cron.d/evil\" has an absolute name"),
        Arguments.of(
            "symlinked parent",
            tar().symlink("lib", "/etc").file("lib/cron.d/evil", "x"),
            "entry \"lib/cron.d/evil\" lies below \"lib\", a symlink earlier in the archive"),
        Arguments.of(
            "symlinked parent spelled differently",
            tar().symlink("./lib", "/etc").file("lib//x", "x"),
            "entry \"lib//x\" lies below \"lib\""),
        Arguments.of(
            "deeper symlinked parent",
            tar().dir("a").dir("a/b").symlink("a/b/c", "/").file("a/b/c/d/e", "x"),
            "entry \"a/b/c/d/e\" lies below \"a/b/c\""),
        Arguments.of(
            "symlink replacing a directory",
            tar().dir("etc").symlink("etc", "/host").file("etc/x", "x"),
            "entry \"etc/x\" lies below \"etc\""),
        Arguments.of(
            "hardlink outside",
            tar().hardlink("passwd", "../../etc/passwd"),
            "entry \"passwd\" is a hardlink to \"../../etc/passwd\", outside the archive"),
        Arguments.of(
            "hardlink absolute",
            tar().hardlink("shadow", "/etc/shadow"),
            "entry \"shadow\" is a hardlink to \"/etc/shadow\", outside the archive"),
        Arguments.of(
            "hardlink to a file not in the archive",
            tar().file("a", "x").hardlink("shadow", "etc/shadow"),
            "entry \"shadow\" is a hardlink to \"etc/shadow\"; expected a regular file earlier"),
        Arguments.of(
            "hardlink to a later file",
            tar().hardlink("b", "a").file("a", "x"),
            "entry \"b\" is a hardlink to \"a\""),
        Arguments.of(
            "hardlink to a symlink",
            tar().symlink("a", "/etc/shadow").hardlink("b", "a"),
            "entry \"b\" is a hardlink to \"a\""),
        Arguments.of(
            "set-uid hardlink",
            tar().file("a", "x", 0755).hardlink("b", "a", 04755),
            "entry \"b\" is set-uid"),
        Arguments.of(
            "symlink above the root",
            tar().symlink("etc/x", "../../host"),
            "entry \"etc/x\" is a symlink to \"../../host\", which points above the root"),
        Arguments.of(
            "character device",
            tar().special("dev/mem", TarConstants.LF_CHR),
            "entry \"dev/mem\" is a device file"),
        Arguments.of(
            "block device",
            tar().special("dev/sda", TarConstants.LF_BLK),
            "entry \"dev/sda\" is a device file"),
        Arguments.of(
            "FIFO",
            tar().special("run/fifo", TarConstants.LF_FIFO),
            "entry \"run/fifo\" is a FIFO"),
        Arguments.of("set-uid", tar().file("bin/su", "x", 04755), "entry \"bin/su\" is set-uid"),
        Arguments.of(
            "set-gid", tar().file("bin/wall", "x", 02755), "entry \"bin/wall\" is set-gid"),
        Arguments.of(
            "file capability",
            tar().entry(capability("bin/ping")),
            "entry \"bin/ping\" carries file capabilities"),
        Arguments.of(
            "root replaced by a file",
            tar().file(".", "x"),
            "entry \".\" would replace the root directory"),
        Arguments.of(
            "long name",
            tar().file("a/" + "n".repeat(5000), "x"),
            "has a name of 5002 characters, over the limit of 4096"),
        Arguments.of(
            "long link target",
            tar().symlink("a", "t".repeat(5000)),
            "entry \"a\" has a link target of 5000 characters, over the limit of 4096"),
        Arguments.of(
            "unsupported type",
            tar().entry(new TarArchiveEntry("vol", (byte) 'V', true)),
            "entry \"vol\" has the unsupported entry type"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("hostileArchives")
  void refusesAHostileArchiveNamingTheEntry(String name, Tarballs archive, String message)
      throws Exception {
    Path file = archive.write(dir.resolve("rootfs.tar.gz"), Compression.GZIP);

    assertThatThrownBy(() -> preparer.prepare(local(file, null, false)))
        .isInstanceOf(RootfsException.class)
        .hasMessageStartingWith("rootfs " + file + ": ")
        .hasMessageContaining(message);
  }

  @Test
  void acceptsEntriesBelowADirectoryThatReplacedASymlink() throws Exception {
    Path file =
        tar()
            .symlink("lib", "usr/lib")
            .dir("lib")
            .file("lib/libc.so", "x")
            .write(dir.resolve("r.tar"), Compression.NONE);

    PreparedRootfs prepared = preparer.prepare(local(file, null, false));

    assertThat(prepared.size()).isEqualTo(Files.size(file));
  }

  @Test
  void acceptsSetuidFilesAndCapabilitiesWhenTheFormAllowsThem() throws Exception {
    Path file =
        tar()
            .file("bin/su", "x", 04755)
            .file("bin/wall", "x", 02755)
            .entry(capability("bin/ping"))
            .write(dir.resolve("rootfs.tar"), Compression.NONE);

    PreparedRootfs prepared = preparer.prepare(local(file, null, true));

    assertThat(prepared.sha256()).isEqualTo(Tarballs.sha256(Files.readAllBytes(file)));
  }

  @Test
  void refusesAGzipBombPastTheUncompressedLimit() throws Exception {
    Path file = tar().zeros("zeros", 64L << 20).write(dir.resolve("bomb.tar.gz"), Compression.GZIP);
    RootfsPolicy policy = RootfsPolicy.defaults().withArchiveLimits(1 << 20, 500_000, 4096, 4096);

    assertThatThrownBy(() -> new RootfsPreparer(policy).prepare(local(file, null, false)))
        .isInstanceOf(RootfsException.class)
        .hasMessageContaining("entry \"zeros\" brings the content to 67108864 bytes")
        .hasMessageContaining("over the limit of 1048576")
        .hasMessageContaining("IMAGECI_ROOTFS_MAX_BYTES");
    assertThat(Files.size(file)).as("the bomb is small compressed").isLessThan(1 << 20);
  }

  @Test
  void refusesAnArchiveWhoseHeadersAloneExceedTheUncompressedLimit() throws Exception {
    Tarballs many = tar();
    for (int i = 0; i < 3000; i++) {
      many.dir("d" + i);
    }
    Path file = many.write(dir.resolve("many.tar.gz"), Compression.GZIP);
    RootfsPolicy policy = RootfsPolicy.defaults().withArchiveLimits(1 << 20, 500_000, 4096, 4096);

    assertThatThrownBy(() -> new RootfsPreparer(policy).prepare(local(file, null, false)))
        .isInstanceOf(RootfsException.class)
        .hasMessageContaining("the uncompressed archive is larger than the limit of 1048576 bytes")
        .hasMessageContaining("IMAGECI_ROOTFS_MAX_BYTES");
  }

  @Test
  void refusesTooManyEntriesNamingTheFirstOneOver() throws Exception {
    Tarballs many = tar();
    for (int i = 1; i <= 101; i++) {
      many.file("f" + i, "");
    }
    Path file = many.write(dir.resolve("many.tar"), Compression.NONE);
    RootfsPolicy policy = RootfsPolicy.defaults().withArchiveLimits(1 << 30, 100, 4096, 4096);

    assertThatThrownBy(() -> new RootfsPreparer(policy).prepare(local(file, null, false)))
        .isInstanceOf(RootfsException.class)
        .hasMessageContaining("entry \"f101\" is one entry too many, over the limit of 100")
        .hasMessageContaining("IMAGECI_ROOTFS_MAX_ENTRIES");
  }

  @Test
  void refusesAnOversizedMetadataHeaderBeforeReadingIt() throws Exception {
    TarArchiveEntry entry = new TarArchiveEntry("big-pax");
    entry.addPaxHeader("comment", "c".repeat(2 << 20));
    Path file = tar().entry(entry).write(dir.resolve("pax.tar"), Compression.NONE);

    assertThatThrownBy(() -> preparer.prepare(local(file, null, false)))
        .isInstanceOf(RootfsException.class)
        .hasMessageContaining("a metadata header (type 'x')")
        .hasMessageContaining("larger than the limit of 1048576 bytes");
  }

  @Test
  void refusesATruncatedGzipArchive() throws Exception {
    byte[] whole = tar().zeros("data", 200_000).file("z", "z").bytes(Compression.GZIP);
    Path file = Files.write(dir.resolve("cut.tar.gz"), Arrays.copyOf(whole, whole.length / 2));

    assertThatThrownBy(() -> preparer.prepare(local(file, null, false)))
        .isInstanceOf(RootfsException.class)
        .hasMessageContaining("the gzip archive is broken or truncated");
  }

  @Test
  void refusesATruncatedPlainTar() throws Exception {
    byte[] whole = tar().zeros("data", 200_000).file("z", "z").bytes(Compression.NONE);
    Path file = Files.write(dir.resolve("cut.tar"), Arrays.copyOf(whole, 100_000));

    assertThatThrownBy(() -> preparer.prepare(local(file, null, false)))
        .isInstanceOf(RootfsException.class)
        .hasMessageContaining("the uncompressed tar archive is broken or truncated");
  }

  @Test
  void refusesRandomBytesAsNotAnArchive() throws Exception {
    byte[] noise = new byte[8192];
    new Random(42).nextBytes(noise);
    noise[0] = 'R'; // not by chance a compression magic
    Path file = Files.write(dir.resolve("rootfs.tar.gz"), noise);

    assertThatThrownBy(() -> preparer.prepare(local(file, null, false)))
        .isInstanceOf(RootfsException.class)
        .hasMessageContaining(
            "it is not a tar archive, plain or compressed with gzip, bzip2 or xz");
  }

  @Test
  void refusesAGzippedFileThatIsNotATar() throws Exception {
    Path text = Files.writeString(dir.resolve("notes.txt"), "just some text\n".repeat(100));
    Path file = dir.resolve("notes.tar.gz");
    try (var out =
        new org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream(
            Files.newOutputStream(file))) {
      Files.copy(text, out);
    }

    assertThatThrownBy(() -> preparer.prepare(local(file, null, false)))
        .isInstanceOf(RootfsException.class)
        .hasMessageContaining("it is not a tar archive");
  }

  @Test
  void refusesAnEmptyFile() throws Exception {
    Path file = Files.write(dir.resolve("empty.tar"), new byte[0]);

    assertThatThrownBy(() -> preparer.prepare(local(file, null, false)))
        .isInstanceOf(RootfsException.class)
        .hasMessageContaining("the file is empty; expected a tar archive");
  }

  @Test
  void refusesZstdClearly() throws Exception {
    byte[] zstd = {0x28, (byte) 0xb5, 0x2f, (byte) 0xfd, 0, 0, 0, 0};
    Path file = Files.write(dir.resolve("rootfs.tar.zst"), zstd);

    assertThatThrownBy(() -> preparer.prepare(local(file, null, false)))
        .isInstanceOf(RootfsException.class)
        .hasMessageContaining("zstd-compressed")
        .hasMessageContaining("use gzip, bzip2 or xz");
  }

  @Test
  void reportsAMissingFile() {
    Path file = dir.resolve("missing.tar.gz");

    assertThatThrownBy(() -> preparer.prepare(local(file, null, false)))
        .isInstanceOf(RootfsException.class)
        .hasMessage("rootfs " + file + ": no such file");
  }

  @Test
  void reportsAPathThatCannotBeReadAsAFile() throws Exception {
    Path directory = Files.createDirectory(dir.resolve("rootfs.tar.gz"));

    assertThatThrownBy(() -> preparer.prepare(local(directory, null, false)))
        .isInstanceOf(RootfsException.class)
        .hasMessage("rootfs " + directory + " could not be read: Is a directory");
  }

  @Test
  void showsControlCharactersInNamesEscaped() throws Exception {
    Path file =
        tar().file("bin/\u001b[31mred", "x", 04755).write(dir.resolve("r.tar"), Compression.NONE);

    assertThatThrownBy(() -> preparer.prepare(local(file, null, false)))
        .hasMessageContaining("entry \"bin/\\u001b[31mred\" is set-uid");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("hostileArchives")
  void prepareForUploadOnlyHashesLeavingTheEntriesToTheContext(
      String name, Tarballs archive, String message) throws Exception {
    Path file = archive.write(dir.resolve("rootfs.tar.gz"), Compression.GZIP);

    PreparedRootfs prepared = preparer.prepareForUpload(local(file, null, false));

    assertThat(prepared.entriesChecked()).isFalse();
    assertThat(prepared.sha256()).isEqualTo(Tarballs.sha256(Files.readAllBytes(file)));
    assertThat(prepared.size()).isEqualTo(Files.size(file));
    assertThat(prepared.file()).isEqualTo(file);
    assertThat(prepared.temporary()).isFalse();
  }

  @Test
  void prepareForUploadVerifiesTheFormsSha256BeforeTheBuild() throws Exception {
    Path file = goodRootfs().zeros("big", 3 << 20).write(dir.resolve("r.tar"), Compression.NONE);
    String actual = Tarballs.sha256(Files.readAllBytes(file));
    String expected = "ab".repeat(32);

    assertThatThrownBy(() -> preparer.prepareForUpload(local(file, expected, false)))
        .isInstanceOf(RootfsException.class)
        .hasMessage(shaMismatch(file, expected, actual));
    assertThat(preparer.prepareForUpload(local(file, "sha256:" + actual.toUpperCase(), false)))
        .extracting(PreparedRootfs::sha256)
        .isEqualTo(actual);
  }

  static Stream<Arguments> unusableFromTheFirstBytes() {
    byte[] noise = new byte[8192];
    new Random(7).nextBytes(noise);
    noise[0] = 'R'; // not by chance a compression magic
    return Stream.of(
        Arguments.of("empty", new byte[0], "the file is empty; expected a tar archive"),
        Arguments.of(
            "zstd",
            new byte[] {0x28, (byte) 0xb5, 0x2f, (byte) 0xfd, 0, 0, 0, 0},
            "it is zstd-compressed, which imageci cannot check; use gzip, bzip2 or xz"),
        Arguments.of("noise", noise, "it is not a tar archive, plain or compressed with gzip"),
        Arguments.of("short", "tiny".getBytes(StandardCharsets.UTF_8), "it is not a tar archive"));
  }

  /** The two ways to prepare a local file for the upload, by name. */
  private Map<String, Preparation> uploadPreparations() {
    return Map.of(
        "prepareForUpload", preparer::prepareForUpload,
        "prepareHashedOnTheWay", preparer::prepareHashedOnTheWay);
  }

  @FunctionalInterface
  private interface Preparation {
    PreparedRootfs call(Rootfs rootfs) throws RootfsException;
  }

  /** What each way to prepare {@code file} for the upload throws, by the way's name. */
  private Map<String, Throwable> uploadPreparationFailures(Path file) {
    Map<String, Throwable> failures = new TreeMap<>();
    uploadPreparations()
        .forEach(
            (way, preparation) ->
                failures.put(
                    way, catchThrowable(() -> preparation.call(local(file, null, false)))));
    return failures;
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("unusableFromTheFirstBytes")
  void bothUploadPreparationsRefuseAtOnceWhatTheFirstBytesShowUnusable(
      String name, byte[] content, String message) throws Exception {
    Path file = Files.write(dir.resolve("rootfs.tar"), content);

    assertThat(uploadPreparationFailures(file))
        .hasSize(2)
        .allSatisfy(
            (way, failure) ->
                assertThat(failure)
                    .as(way)
                    .isInstanceOf(RootfsException.class)
                    .hasMessageStartingWith("rootfs " + file + ": " + message));
  }

  @Test
  void bothUploadPreparationsReportAMissingFile() {
    Path file = dir.resolve("missing.tar.gz");

    assertThat(uploadPreparationFailures(file))
        .hasSize(2)
        .allSatisfy(
            (way, failure) ->
                assertThat(failure)
                    .as(way)
                    .isInstanceOf(RootfsException.class)
                    .hasMessage("rootfs " + file + ": no such file"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("hostileArchives")
  void prepareHashedOnTheWayLeavesTheHashAndTheEntriesToTheContext(
      String name, Tarballs archive, String message) throws Exception {
    Path file = archive.write(dir.resolve("rootfs.tar.gz"), Compression.GZIP);

    PreparedRootfs prepared = preparer.prepareHashedOnTheWay(local(file, "ab".repeat(32), false));

    assertThat(prepared.entriesChecked()).isFalse();
    assertThat(prepared.hashedOnTheWay()).isTrue();
    assertThat(prepared.sha256()).as("not hashed yet").isNull();
    assertThat(prepared.size()).isEqualTo(Files.size(file));
    assertThat(prepared.file()).isEqualTo(file);
  }

  @Test
  void prepareForUploadTakesTheHashStartedAheadOfAnUnchangedFile() throws Exception {
    Path file = goodRootfs().zeros("big", 3 << 20).write(dir.resolve("r.tar"), Compression.NONE);

    RootfsPreparer.hashAhead(local(file, null, false));
    PreparedRootfs prepared = preparer.prepareForUpload(local(file, null, false));

    assertThat(prepared.sha256()).isEqualTo(Tarballs.sha256(Files.readAllBytes(file)));
    assertThat(prepared.size()).isEqualTo(Files.size(file));
  }

  @Test
  void prepareForUploadHashesAgainAFileRewrittenAfterItsHashAhead() throws Exception {
    Path file = goodRootfs().zeros("big", 3 << 20).write(dir.resolve("r.tar"), Compression.NONE);
    RootfsPreparer.hashAhead(local(file, null, false));
    Files.write(file, tar().file("other", "content").bytes(Compression.NONE));
    Files.setLastModifiedTime(
        file, java.nio.file.attribute.FileTime.fromMillis(System.currentTimeMillis() + 60_000));

    PreparedRootfs prepared = preparer.prepareForUpload(local(file, null, false));

    assertThat(prepared.sha256()).isEqualTo(Tarballs.sha256(Files.readAllBytes(file)));
    assertThat(prepared.size()).isEqualTo(Files.size(file));
  }

  @Test
  void aFailedHashAheadIsReportedByPrepareForUpload() {
    Path file = dir.resolve("missing.tar");
    RootfsPreparer.hashAhead(local(file, null, false));

    assertThatThrownBy(() -> preparer.prepareForUpload(local(file, null, false)))
        .isInstanceOf(RootfsException.class)
        .hasMessage("rootfs " + file + ": no such file");
  }

  static Rootfs local(Path file, String sha256, boolean allowSetuid) {
    return new Rootfs(file, null, sha256, allowSetuid);
  }

  private static TarArchiveEntry capability(String name) {
    TarArchiveEntry entry = new TarArchiveEntry(name);
    entry.setMode(0755);
    entry.addPaxHeader("SCHILY.xattr.security.capability", "\u0001\u0000\u0000\u0002");
    return entry;
  }

  @Test
  void refusesADeclaredBombBeforeReadingItsContent() throws Exception {
    TarArchiveEntry bomb = new TarArchiveEntry("bomb");
    bomb.setSize(9L << 30);
    byte[] header = new byte[512];
    bomb.writeEntryHeader(
        header,
        ZipEncodingHelper.getZipEncoding("UTF-8"),
        true); // star mode: a size past 8 GiB in binary
    byte[] archive = Arrays.copyOf(header, 512 * 3); // the header, then only the end marker
    Path file = Files.write(dir.resolve("bomb.tar"), archive);

    assertThatThrownBy(() -> preparer.prepare(local(file, null, false)))
        .isInstanceOf(RootfsException.class)
        .hasMessageContaining(
            "entry \"bomb\" brings the content to 9663676416 bytes, over the limit of 8589934592");
  }

  static byte[] read(Path file) throws IOException {
    return Files.readAllBytes(file);
  }
}
