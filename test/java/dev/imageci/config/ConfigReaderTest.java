package dev.imageci.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.imageci.image.Tag;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigReaderTest {

  private static final Path BASE = Path.of("/forms");
  private static final String MINIMAL = "image: team/web\nfrom: busybox\n";

  @TempDir Path temp;

  private static Config yaml(String text) throws ConfigException {
    return ConfigReader.parse(text, false, BASE, "form.yaml");
  }

  private static Config json(String text) throws ConfigException {
    return ConfigReader.parse(text, true, BASE, "form.json");
  }

  /** The problems of an invalid YAML form, each as printed: "field: rule (got value)". */
  private static List<String> problems(String text) {
    ConfigException e = catchThrowableOfType(ConfigException.class, () -> yaml(text));
    assertThat(e).as("the form should be refused:\n%s", text).isNotNull();
    return e.problems().stream().map(Problem::toString).toList();
  }

  private static List<String> jsonProblems(String text) {
    ConfigException e = catchThrowableOfType(ConfigException.class, () -> json(text));
    assertThat(e).as("the form should be refused:\n%s", text).isNotNull();
    return e.problems().stream().map(Problem::toString).toList();
  }

  // ---- the model ------------------------------------------------------------------------------

  @Test
  void readsEveryFieldOfAFullForm() throws Exception {
    Path form = Path.of(getClass().getResource("/golden/app.yaml").toURI());

    Config config = ConfigReader.read(form);

    assertThat(config.image().toString()).isEqualTo("r.example.com/payments/ledger");
    assertThat(config.image().registry()).isEqualTo("r.example.com");
    assertThat(config.tags()).containsExactly(Tag.AUTO, new Tag("latest"));
    assertThat(config.tags().get(0).isAuto()).isTrue();
    assertThat(config.from().toString()).startsWith("r.example.com/base/debian:12@sha256:0123");
    assertThat(config.from().digest()).isNotNull();
    assertThat(config.env())
        .containsExactly(
            Map.entry("JAVA_OPTS", "-Xmx512m -Dfile.encoding=UTF-8"),
            Map.entry("APP_HOME", "/opt/ledger"),
            Map.entry("GREETING", "say \"hi\" to $USER, it costs $5 \\o/"),
            Map.entry("EMPTY", ""));
    assertThat(config.run()).hasSize(4);
    assertThat(config.run().get(1))
        .isEqualTo(
            "set -eu\ngroupadd --gid 1000 ledger\n"
                + "useradd --uid 1000 --gid 1000 --home-dir /opt/ledger ledger\n");
    assertThat(config.rootfs().isRemote()).isTrue();
    assertThat(config.rootfs().url())
        .isEqualTo(URI.create("https://files.example.com/ledger/rootfs-1.4.2.tar.gz"));
    assertThat(config.rootfs().sha256()).startsWith("9f86d081");
    assertThat(config.rootfs().allowSetuid()).isFalse();
    assertThat(config.workdir()).isEqualTo("/opt/ledger");
    assertThat(config.runAfterRootfs()).hasSize(2);
    assertThat(config.user()).isEqualTo("ledger:ledger");
    assertThat(config.expose()).containsExactly("8080", "8443", "9090/udp");
    assertThat(config.volumes()).containsExactly("/opt/ledger/data", "/var/log/ledger files");
    assertThat(config.labels()).containsKeys("com.example.team", "com.example.description");
    assertThat(config.entrypoint()).containsExactly("/opt/ledger/bin/ledger");
    assertThat(config.cmd()).hasSize(4).endsWith("hello $USER");
    assertThat(config.test()).containsExactly("/opt/ledger/bin/ledger", "--version");
    assertThat(config.remarks()).startsWith("Payments ledger.\n").endsWith("JDK update.\n");
    assertThat(config.baseDir()).isEqualTo(form.getParent().toAbsolutePath());
  }

  @Test
  void aRelativeFormIsReadFromTheGivenDirectoryWithItsRootfsBesideIt() throws Exception {
    Path caller = Files.createDirectories(temp.resolve("caller/forms"));
    Files.writeString(caller.resolve("image.yaml"), MINIMAL + "rootfs: rootfs.tar.gz\n");

    Config config = ConfigReader.read(Path.of("forms/image.yaml"), temp.resolve("caller"));

    assertThat(config.rootfs().path()).isEqualTo(caller.resolve("rootfs.tar.gz"));
  }

  @Test
  void aProblemNamesTheFormAsItWasGivenNotWhereItWasFound() {
    ConfigException e =
        catchThrowableOfType(
            ConfigException.class,
            () -> ConfigReader.read(Path.of("missing.yaml"), temp.resolve("caller")));

    assertThat(e.source()).isEqualTo("missing.yaml");
  }

  @Test
  void jsonAndYamlFormsGiveTheSameConfig() throws Exception {
    Path yamlForm = Path.of(getClass().getResource("/golden/app.yaml").toURI());
    Path jsonForm = Path.of(getClass().getResource("/golden/app.json").toURI());

    assertThat(ConfigReader.read(jsonForm)).isEqualTo(ConfigReader.read(yamlForm));
  }

  @Test
  void aMinimalFormGetsTheLatestTagAndEmptyLists() throws Exception {
    Config config = yaml(MINIMAL);

    assertThat(config.tags()).containsExactly(new Tag("latest"));
    assertThat(config.run()).isEmpty();
    assertThat(config.runAfterRootfs()).isEmpty();
    assertThat(config.env()).isEmpty();
    assertThat(config.labels()).isEmpty();
    assertThat(config.rootfs()).isNull();
    assertThat(config.workdir()).isNull();
    assertThat(config.user()).isNull();
    assertThat(config.remarks()).isNull();
  }

  @Test
  void nullValuesCountAsAbsent() throws Exception {
    Config config = yaml(MINIMAL + "tag: ~\nrun: null\nworkdir:\nenv: ~\nrootfs: null\n");

    assertThat(config.tags()).containsExactly(new Tag("latest"));
    assertThat(config.run()).isEmpty();
    assertThat(config.workdir()).isNull();
    assertThat(config.rootfs()).isNull();
  }

  @Test
  void scalarsKeepTheTextAsTyped() throws Exception {
    Config config = yaml(MINIMAL + "tag: 01\nenv:\n  VERSION: 1.10\n  ON: yes\n  HEX: 0x1F\n");

    assertThat(config.tags()).containsExactly(new Tag("01"));
    assertThat(config.env()).containsEntry("VERSION", "1.10").containsEntry("HEX", "0x1F");
    assertThat(config.env()).containsEntry("ON", "yes");
  }

  @Test
  void aSingleTagAndTheAutoTagAreRead() throws Exception {
    assertThat(yaml(MINIMAL + "tag: auto\n").tags()).containsExactly(Tag.AUTO);
    assertThat(yaml(MINIMAL + "tag: [\"1.2\", stable]\n").tags())
        .containsExactly(new Tag("1.2"), new Tag("stable"));
  }

  @Test
  void mapsKeepTheOrderTheyWereWrittenIn() throws Exception {
    Config config = yaml(MINIMAL + "env:\n  Z: 1\n  A: 2\n  M: 3\nlabels:\n  z: 1\n  a: 2\n");

    assertThat(config.env().keySet()).containsExactly("Z", "A", "M");
    assertThat(config.labels().keySet()).containsExactly("z", "a");
  }

  @Test
  void windowsLineEndingsInCommandsAndRemarksBecomeNewlines() throws Exception {
    Config config =
        json(
            "{\"image\":\"a/b\",\"from\":\"busybox\",\"run\":[\"set -e\\r\\necho hi\\r\\n\"],"
                + "\"remarks\":\"one\\r\\ntwo\"}");

    assertThat(config.run()).containsExactly("set -e\necho hi\n");
    assertThat(config.remarks()).isEqualTo("one\ntwo");
  }

  @Test
  void theConfigIsImmutable() throws Exception {
    Config config = yaml(MINIMAL + "run: [ls]\nenv: {A: b}\n");

    assertThatThrownBy(() -> config.run().add("rm -rf /"))
        .isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> config.env().put("B", "c"))
        .isInstanceOf(UnsupportedOperationException.class);
  }

  // ---- structure ------------------------------------------------------------------------------

  @Test
  void everyProblemIsReportedAtOnce() {
    List<String> problems =
        problems("image: Team/Web\nfrom: \"\"\nrun: [\"\"]\nexpose: [0]\nuser: \"a b\"\n");

    assertThat(problems)
        .hasSize(5)
        .anySatisfy(p -> assertThat(p).startsWith("image: "))
        .anySatisfy(p -> assertThat(p).startsWith("from: "))
        .anySatisfy(p -> assertThat(p).startsWith("run[0]: is blank"))
        .anySatisfy(p -> assertThat(p).startsWith("expose[0]: must be a port"))
        .anySatisfy(p -> assertThat(p).startsWith("user: must be a user name"));
  }

  @Test
  void imageAndFromAreRequired() {
    assertThat(problems("run: [ls]\n")).containsExactly("image: is required", "from: is required");
  }

  @Test
  void anUnknownFieldIsRefusedWithTheLikelyName() {
    assertThat(problems(MINIMAL + "entrypiont: [/bin/sh]\n"))
        .containsExactly("entrypiont: is not a known field; did you mean 'entrypoint'?");
    assertThat(problems(MINIMAL + "Tags: [a]\n"))
        .containsExactly("Tags: is not a known field; did you mean 'tag'?");
    assertThat(problems(MINIMAL + "compose: x\n"))
        .singleElement()
        .satisfies(p -> assertThat(p).startsWith("compose: is not a known field; known fields: "));
  }

  @Test
  void anUnknownRootfsFieldIsRefusedWithItsPath() {
    assertThat(problems(MINIMAL + "rootfs: {source: r.tar, sha: abc}\n"))
        .containsExactly("rootfs.sha: is not a known field; did you mean 'sha256'?");
  }

  @Test
  void aFormMustBeAMapping() {
    assertThat(problems("- image\n- from\n"))
        .containsExactly("(config): must be a mapping of fields such as image, from and run");
    assertThat(problems("")).containsExactly("(config): is empty; expected a mapping of fields");
    assertThat(problems("# only a comment\n"))
        .containsExactly("(config): is empty; expected a mapping of fields");
  }

  @Test
  void aSingleValueFieldRefusesAListAndAListFieldRefusesAValue() {
    assertThat(problems(MINIMAL + "workdir: [/a]\n"))
        .containsExactly("workdir: must be a single value, not a list");
    assertThat(problems(MINIMAL + "user: {name: app}\n"))
        .containsExactly("user: must be a single value, not a mapping");
    assertThat(problems(MINIMAL + "run: apt-get install nginx\n"))
        .singleElement()
        .satisfies(
            p -> assertThat(p).startsWith("run: must be a list").contains("apt-get install"));
    assertThat(problems(MINIMAL + "env: [A=b]\n"))
        .containsExactly("env: must be a mapping of names to values");
  }

  @Test
  void aListOrMapMayHoldAtMostOneHundredEntries() {
    StringBuilder run = new StringBuilder(MINIMAL + "run:\n");
    StringBuilder env = new StringBuilder("env:\n");
    for (int i = 0; i <= ConfigReader.MAX_ITEMS; i++) {
      run.append("  - echo ").append(i).append('\n');
      env.append("  K").append(i).append(": v\n");
    }

    assertThat(problems(run.toString() + env))
        .containsExactly(
            "run: has 101 entries; at most 100 are allowed",
            "env: has 101 entries; at most 100 are allowed");
  }

  @Test
  void anEmptyListEntryIsRefused() {
    assertThat(problems(MINIMAL + "run: [ls, null, pwd]\n"))
        .containsExactly("run[1]: is empty; remove it or give a value");
  }

  // ---- image, tag, from -----------------------------------------------------------------------

  @Test
  void theImageIsARepositoryWithoutTagOrDigest() {
    assertThat(problems("image: team/web:1\nfrom: busybox\n"))
        .containsExactly(
            "image: must be a repository without tag or digest; put the tag in 'tag'"
                + " (got \"team/web:1\")");
    assertThat(problems("image: r.example.com:5000/team/web:1\nfrom: busybox\n"))
        .singleElement()
        .satisfies(p -> assertThat(p).startsWith("image: must be a repository without tag"));
    assertThat(problems("image: team/web@sha256:abc\nfrom: busybox\n"))
        .singleElement()
        .satisfies(p -> assertThat(p).startsWith("image: must be a repository without tag"));
  }

  @Test
  void theImageFollowsTheReferenceGrammar() throws Exception {
    assertThat(yaml("image: r.example.com:5000/a/b-c/d__e\nfrom: busybox\n").image().registry())
        .isEqualTo("r.example.com:5000");
    assertThat(yaml("image: localhost/web\nfrom: busybox\n").image().registry())
        .isEqualTo("localhost");
    assertThat(problems("image: Team/Web\nfrom: busybox\n"))
        .singleElement()
        .satisfies(p -> assertThat(p).startsWith("image: is not a valid image repository"));
    assertThat(problems("image: team//web\nfrom: busybox\n"))
        .singleElement()
        .satisfies(p -> assertThat(p).startsWith("image: is not a valid image repository"));
    assertThat(problems("image: \"\"\nfrom: busybox\n"))
        .singleElement()
        .satisfies(p -> assertThat(p).startsWith("image: is empty"));
    assertThat(problems("image: scratch\nfrom: busybox\n"))
        .singleElement()
        .satisfies(p -> assertThat(p).startsWith("image: must not be 'scratch'"));
    assertThat(problems("image: \"" + "a".repeat(256) + "\"\nfrom: busybox\n"))
        .singleElement()
        .satisfies(p -> assertThat(p).startsWith("image: is 256 characters long"));
  }

  @Test
  void tagsFollowTheReferenceGrammar() {
    assertThat(problems(MINIMAL + "tag: -rc1\n"))
        .containsExactly(
            "tag: must be 1 to 128 letters, digits, '_', '.' or '-', not starting with '.' or '-'"
                + " (got \"-rc1\")");
    assertThat(problems(MINIMAL + "tag: [ok, \"a b\", ok]\n"))
        .containsExactly(
            "tag[1]: must be 1 to 128 letters, digits, '_', '.' or '-', not starting with '.' or"
                + " '-' (got \"a b\")",
            "tag[2]: repeats a tag given before (got \"ok\")");
    assertThat(problems(MINIMAL + "tag: []\n"))
        .containsExactly(
            "tag: is an empty list; give at least one tag or leave it out for 'latest'");
    assertThat(problems(MINIMAL + "tag: {a: b}\n"))
        .containsExactly("tag: must be a single value, not a mapping");
    assertThat(problems(MINIMAL + "tag: \"" + "a".repeat(129) + "\"\n")).hasSize(1);
  }

  @Test
  void fromIsAnImageReferenceOrScratch() throws Exception {
    assertThat(yaml("image: a/b\nfrom: scratch\nrootfs: r.tar\n").from().isScratch()).isTrue();
    assertThat(yaml("image: a/b\nfrom: r.example.com/base:1.2\n").from().tag())
        .isEqualTo(new Tag("1.2"));
    assertThat(problems("image: a/b\nfrom: \"busybox latest\"\n"))
        .singleElement()
        .satisfies(p -> assertThat(p).startsWith("from: is not a valid image reference"));
    assertThat(problems("image: a/b\nfrom: busybox@sha256:123\n"))
        .singleElement()
        .satisfies(p -> assertThat(p).startsWith("from: is not a valid image reference"));
    assertThat(problems("image: a/b\nfrom: \"ARG\\nFROM evil\"\n"))
        .singleElement()
        .satisfies(p -> assertThat(p).startsWith("from: must be a single line"));
  }

  @Test
  void anImageFromScratchNeedsARootfsAndCannotRunBeforeIt() {
    assertThat(problems("image: a/b\nfrom: scratch\nrun: [ls]\n"))
        .containsExactly(
            "run: cannot be used with from: scratch, which has no shell before the rootfs is"
                + " added; use runAfterRootfs",
            "rootfs: is required with from: scratch, which has no files of its own");
  }

  // ---- rootfs ---------------------------------------------------------------------------------

  @Test
  void aRootfsPathIsResolvedNextToTheConfig() throws Exception {
    Rootfs rootfs = yaml(MINIMAL + "rootfs: files/./rootfs.tar.gz\n").rootfs();

    assertThat(rootfs.path()).isEqualTo(BASE.resolve("files/rootfs.tar.gz"));
    assertThat(rootfs.isRemote()).isFalse();
    assertThat(rootfs.sha256()).isNull();
  }

  @Test
  void aRootfsMappingGivesSourceChecksumAndSetuid() throws Exception {
    String sha = "a".repeat(64);
    Rootfs rootfs =
        yaml(MINIMAL
                + "rootfs:\n  source: http://h.example/r.tgz\n  sha256: sha256:"
                + sha
                + "\n  allowSetuid: true\n")
            .rootfs();

    assertThat(rootfs.url()).isEqualTo(URI.create("http://h.example/r.tgz"));
    assertThat(rootfs.sha256()).isEqualTo(sha);
    assertThat(rootfs.allowSetuid()).isTrue();
  }

  @Test
  void aRootfsMustStayInsideTheConfigDirectoryOrBeAnHttpUrl() {
    assertThat(problems(MINIMAL + "rootfs: ../secret.tar\n"))
        .singleElement()
        .satisfies(p -> assertThat(p).startsWith("rootfs: must be a path inside the config's"));
    assertThat(problems(MINIMAL + "rootfs: /etc/rootfs.tar\n"))
        .singleElement()
        .satisfies(p -> assertThat(p).startsWith("rootfs: must be a path inside the config's"));
    assertThat(problems(MINIMAL + "rootfs: \"a\\\\b.tar\"\n"))
        .singleElement()
        .satisfies(p -> assertThat(p).startsWith("rootfs: must be a path inside the config's"));
    assertThat(problems(MINIMAL + "rootfs: ftp://h.example/r.tar\n"))
        .singleElement()
        .satisfies(p -> assertThat(p).startsWith("rootfs: must be a file path or an http(s) URL"));
    assertThat(problems(MINIMAL + "rootfs: https://user:pw@h.example/r.tar\n"))
        .singleElement()
        .satisfies(p -> assertThat(p).startsWith("rootfs: must be an http(s) URL with a host"));
    assertThat(problems(MINIMAL + "rootfs: \"https://h.example/a b.tar\"\n"))
        .singleElement()
        .satisfies(p -> assertThat(p).startsWith("rootfs: is not a valid URL"));
    assertThat(problems(MINIMAL + "rootfs: \"\"\n"))
        .singleElement()
        .satisfies(p -> assertThat(p).startsWith("rootfs: must name a tarball file"));
    assertThat(problems(MINIMAL + "rootfs: a/..\n"))
        .singleElement()
        .satisfies(p -> assertThat(p).startsWith("rootfs: must name a tarball file"));
  }

  @Test
  void rootfsMappingFieldsAreChecked() {
    assertThat(problems(MINIMAL + "rootfs: {sha256: abc, allowSetuid: maybe}\n"))
        .containsExactly(
            "rootfs.source: is required: a tarball path or an http(s) URL",
            "rootfs.sha256: must be 64 lowercase hex digits (optionally after 'sha256:')"
                + " (got \"abc\")",
            "rootfs.allowSetuid: must be true or false (got \"maybe\")");
    assertThat(problems(MINIMAL + "rootfs: {source: \"r\\n.tar\"}\n"))
        .singleElement()
        .satisfies(p -> assertThat(p).startsWith("rootfs.source: must be a single line"));
  }

  // ---- commands -------------------------------------------------------------------------------

  @Test
  void aCommandMustNotBeBlankOrTooLong() {
    assertThat(problems(MINIMAL + "run: [ls, pwd, \"  \"]\n"))
        .containsExactly("run[2]: is blank; remove it or give a command (got \"  \")");
    String tooLong = "x".repeat(ConfigReader.MAX_COMMAND_CHARS + 1);
    assertThat(problems(MINIMAL + "runAfterRootfs: [" + tooLong + "]\n"))
        .singleElement()
        .satisfies(p -> assertThat(p).startsWith("runAfterRootfs[0]: is 16385 characters long;"));
  }

  @Test
  void aCommandMayHoldNewlinesTabsAndFormatCharactersButNoOtherControls() throws Exception {
    Config config =
        json(minimalJson(",\"run\":[\"a\\tb\\nc\",\"echo \\ud83d\\udc68\\u200d\\ud83d\\udcbb\"]"));
    assertThat(config.run()).containsExactly("a\tb\nc", "echo \uD83D\uDC68\u200D\uD83D\uDCBB");

    assertThat(jsonProblems(minimalJson(",\"run\":[\"ok\",\"a\\u0000b\"]")))
        .containsExactly(
            "run[1]: must not contain control or bidi characters other than tab and newline;"
                + " found U+0000 (NUL) (got \"a\\u0000b\")");
    assertThat(jsonProblems(minimalJson(",\"run\":[\"a\\rb\"]")))
        .singleElement()
        .satisfies(p -> assertThat(p).contains("U+000D (carriage return)"));
    assertThat(jsonProblems(minimalJson(",\"run\":[\"a\\u2028b\"]")))
        .singleElement()
        .satisfies(p -> assertThat(p).contains("U+2028 (line separator)"));
    assertThat(jsonProblems(minimalJson(",\"cmd\":[\"x\",\"a\\u202eb\"]")))
        .singleElement()
        .satisfies(p -> assertThat(p).startsWith("cmd[1]: ").contains("U+202E"));
    assertThat(jsonProblems(minimalJson(",\"entrypoint\":[\"a\\ud800\"]")))
        .singleElement()
        .satisfies(p -> assertThat(p).startsWith("entrypoint[0]: ").contains("U+D800"));
  }

  @Test
  void execFormFieldsAreListsOfArguments() throws Exception {
    Config config =
        yaml(MINIMAL + "entrypoint: [/bin/app, \"\"]\ncmd: [\"--x=$Y\"]\ntest: [true]\n");
    assertThat(config.entrypoint()).containsExactly("/bin/app", "");
    assertThat(config.cmd()).containsExactly("--x=$Y");
    assertThat(config.test()).containsExactly("true");

    assertThat(problems(MINIMAL + "entrypoint: /bin/app --serve\n"))
        .singleElement()
        .satisfies(p -> assertThat(p).startsWith("entrypoint: must be a list"));
    assertThat(problems(MINIMAL + "test: [[a]]\n"))
        .containsExactly("test[0]: must be a single value, not a list");
  }

  // ---- env and labels -------------------------------------------------------------------------

  @Test
  void envNamesAreShellNames() {
    assertThat(problems(MINIMAL + "env:\n  1X: a\n  A-B: b\n  OK_1: c\n"))
        .containsExactly(
            "env.1X: is not a valid name: expected a letter or _ then letters, digits or _"
                + " (got \"1X\")",
            "env.A-B: is not a valid name: expected a letter or _ then letters, digits or _"
                + " (got \"A-B\")");
  }

  @Test
  void envValuesAreSingleLines() throws Exception {
    assertThat(yaml(MINIMAL + "env:\n  A: '$HOME \"q\" \\ `x` #'\n  B:\n").env())
        .containsEntry("A", "$HOME \"q\" \\ `x` #")
        .containsEntry("B", "");
    assertThat(problems(MINIMAL + "env:\n  JAVA_OPTS: \"-Xmx1g\\nRUN evil\"\n"))
        .containsExactly(
            "env.JAVA_OPTS: must be a single line without control, format or bidi characters;"
                + " found U+000A (newline) (got \"-Xmx1g\\nRUN evil\")");
    assertThat(problems(MINIMAL + "env:\n  A: \"a\\u200bb\"\n"))
        .singleElement()
        .satisfies(p -> assertThat(p).startsWith("env.A: ").contains("U+200B"));
    assertThat(problems(MINIMAL + "env:\n  A: [x]\n"))
        .containsExactly("env.A: must be a single value, not a list");
    assertThat(problems(MINIMAL + "env:\n  A: \"" + "v".repeat(8193) + "\"\n"))
        .singleElement()
        .satisfies(p -> assertThat(p).startsWith("env.A: is 8193 characters long"));
  }

  @Test
  void labelKeysAndValuesAreChecked() {
    assertThat(problems(MINIMAL + "labels:\n  com.example.ok: fine\n  \"-bad\": x\n  \"a b\": y\n"))
        .containsExactly(
            "labels.-bad: is not a valid name: expected letters, digits, '.', '_', '/' or '-',"
                + " starting and ending with a letter or digit (e.g. com.example.team)"
                + " (got \"-bad\")",
            "labels.a b: is not a valid name: expected letters, digits, '.', '_', '/' or '-',"
                + " starting and ending with a letter or digit (e.g. com.example.team)"
                + " (got \"a b\")");
    assertThat(problems(MINIMAL + "labels:\n  x: \"a\\tb\"\n"))
        .singleElement()
        .satisfies(p -> assertThat(p).startsWith("labels.x: must be a single line"));
  }

  @Test
  void labelsImageciSetsItselfAreRefused() throws ConfigException {
    assertThat(problems(MINIMAL + "labels:\n  org.opencontainers.image.revision: x\n"))
        .containsExactly(
            "labels.org.opencontainers.image.revision: is set by imageci at build time; remove it");
    assertThat(yaml(MINIMAL + "labels:\n  org.opencontainers.image.created: \"2026\"\n").labels())
        .containsEntry("org.opencontainers.image.created", "2026");
  }

  // ---- paths, user, ports ---------------------------------------------------------------------

  @Test
  void workdirIsACleanAbsolutePath() throws Exception {
    assertThat(yaml(MINIMAL + "workdir: /\n").workdir()).isEqualTo("/");
    assertThat(yaml(MINIMAL + "workdir: \"/srv/my app\"\n").workdir()).isEqualTo("/srv/my app");
    assertThat(problems(MINIMAL + "workdir: srv\n"))
        .containsExactly("workdir: must be an absolute path starting with '/' (got \"srv\")");
    assertThat(problems(MINIMAL + "workdir: /srv/../etc\n"))
        .containsExactly("workdir: must not contain a '..' segment (got \"/srv/../etc\")");
    assertThat(problems(MINIMAL + "workdir: /srv//app/./x/\n"))
        .containsExactly(
            "workdir: must be a clean path: no '.' segment, '//' or trailing '/' (e.g."
                + " \"/srv/app/x\") (got \"/srv//app/./x/\")");
  }

  @Test
  void volumesAreCleanAbsolutePathsOtherThanTheRoot() {
    assertThat(problems(MINIMAL + "volumes: [/data, data, /, /data]\n"))
        .containsExactly(
            "volumes[1]: must be an absolute path starting with '/' (got \"data\")",
            "volumes[2]: must not be '/' itself (got \"/\")",
            "volumes: repeats an entry given before (got \"/data\")");
  }

  @Test
  void userIsANameOrIdWithAnOptionalGroup() throws Exception {
    for (String user : List.of("app", "1000", "1000:1000", "app:staff", "_svc", "Web.User-1")) {
      assertThat(yaml(MINIMAL + "user: \"" + user + "\"\n").user()).isEqualTo(user);
    }
    for (String user : List.of("-x", "a b", "root;id", "$USER", "a:b:c", "1000:", "\"")) {
      assertThat(problems(MINIMAL + "user: '" + user.replace("'", "''") + "'\n"))
          .as(user)
          .singleElement()
          .satisfies(p -> assertThat(p).startsWith("user: must be a user name or numeric uid"));
    }
  }

  @Test
  void exposedPortsAreOneTo65535WithAnOptionalProtocol() throws Exception {
    assertThat(yaml(MINIMAL + "expose: [1, 80, \"53/udp\", 65535/tcp, 9/sctp]\n").expose())
        .containsExactly("1", "80", "53/udp", "65535/tcp", "9/sctp");
    assertThat(problems(MINIMAL + "expose: [0, 65536, \"080\", 53/UDP, http, 80, 80]\n"))
        .hasSize(6)
        .allSatisfy(p -> assertThat(p).startsWith("expose"))
        .contains(
            "expose[0]: must be a port from 1 to 65535 without leading zeros, optionally with"
                + " /tcp, /udp or /sctp (e.g. 80, \"53/udp\") (got \"0\")",
            "expose: repeats an entry given before (got \"80\")");
  }

  // ---- remarks --------------------------------------------------------------------------------

  @Test
  void remarksMayHoldSeveralLinesUpToALimit() throws Exception {
    assertThat(yaml(MINIMAL + "remarks: |\n  one\n  # two\n").remarks()).isEqualTo("one\n# two\n");
    assertThat(problems(MINIMAL + "remarks: \"" + "r".repeat(4097) + "\"\n"))
        .singleElement()
        .satisfies(p -> assertThat(p).startsWith("remarks: is 4097 characters long"));
    assertThat(problems(MINIMAL + "remarks: \"a\\u0007\"\n"))
        .singleElement()
        .satisfies(p -> assertThat(p).startsWith("remarks: ").contains("U+0007"));
  }

  // ---- YAML and JSON --------------------------------------------------------------------------

  @Test
  void aKeyGivenTwiceIsRefusedInYamlAndJson() {
    assertThat(problems(MINIMAL + "env:\n  A: 1\n  A: 2\n"))
        .containsExactly("env.A: is given more than once; give it once");
    assertThat(problems(MINIMAL + "image: other/web\n"))
        .containsExactly("image: is given more than once; give it once");
    assertThat(jsonProblems("{\"image\":\"a/b\",\"from\":\"x\",\"from\":\"y\"}"))
        .containsExactly("from: is given more than once; give it once");
  }

  @Test
  void yamlAliasesAreRefused() {
    assertThat(problems("image: &name a/b\nfrom: *name\n"))
        .containsExactly("from: uses a YAML alias; write the value out instead");
    assertThat(problems(MINIMAL + "run: &cmds [ls]\nrunAfterRootfs: *cmds\n"))
        .containsExactly("runAfterRootfs: uses a YAML alias; write the value out instead");
  }

  @Test
  void moreThanOneYamlDocumentIsRefused() {
    assertThat(problems(MINIMAL + "---\nimage: other/web\n"))
        .containsExactly("(config): holds more than one document; expected one");
  }

  @Test
  void syntaxErrorsNameTheLine() {
    assertThat(problems("image: a/b\nfrom: [busybox\n"))
        .singleElement()
        .satisfies(p -> assertThat(p).startsWith("(config): is not valid YAML: ").contains("line"));
    assertThat(jsonProblems("{\"image\": \"a/b\",\n \"from\": }"))
        .singleElement()
        .satisfies(
            p -> assertThat(p).startsWith("(config): is not valid JSON: ").contains("line 2"));
    assertThat(jsonProblems("{\"image\": \"a/b\", \"from\": \"c\"} {}"))
        .containsExactly("(config): holds more than one document; expected one");
  }

  @Test
  void deepNestingIsRefused() {
    assertThat(problems(MINIMAL + "labels: " + "[".repeat(20) + "]".repeat(20) + "\n"))
        .contains("labels[0][0][0][0][0][0][0]: is nested more than 8 levels deep");
  }

  // ---- files ----------------------------------------------------------------------------------

  @Test
  void aFileThatIsNotUtf8IsRefused() throws IOException {
    Path form = temp.resolve("form.yaml");
    Files.write(form, new byte[] {'i', 'm', 'a', 'g', 'e', ':', ' ', (byte) 0xE9, '\n'});

    assertThat(fileProblems(form)).containsExactly("(config): is not UTF-8 text");
  }

  @Test
  void aByteOrderMarkIsIgnored() throws Exception {
    Path form = temp.resolve("form.json");
    Files.write(
        form, ("\uFEFF{\"image\":\"a/b\",\"from\":\"busybox\"}").getBytes(StandardCharsets.UTF_8));

    assertThat(ConfigReader.read(form).image().toString()).isEqualTo("a/b");
  }

  @Test
  void aFileOverTheSizeLimitIsNotRead() throws IOException {
    Path form = temp.resolve("form.yaml");
    Files.writeString(form, MINIMAL + "#" + "x".repeat(ConfigReader.MAX_CONFIG_BYTES) + "\n");

    assertThat(fileProblems(form)).containsExactly("(config): is larger than 1048576 bytes");
  }

  @Test
  void aMissingFileOrADirectoryIsNamed() {
    assertThat(fileProblems(temp.resolve("missing.yaml")))
        .containsExactly("(config): does not exist");
    assertThat(fileProblems(temp))
        .containsExactly("(config): is a directory; expected a YAML or JSON file");
  }

  @Test
  void theFileExtensionPicksTheParser() throws Exception {
    Path form = temp.resolve("form.JSON");
    Files.writeString(form, "{\"image\":\"a/b\",\"from\":\"busybox\",\"tag\":1.10}");

    assertThat(ConfigReader.read(form).tags()).containsExactly(new Tag("1.10"));
  }

  @Test
  void theExceptionNamesTheSourceAndKeepsTheProblems() throws IOException {
    Path form = temp.resolve("broken.yaml");
    Files.writeString(form, "image: a/b\n");

    ConfigException e = catchThrowableOfType(ConfigException.class, () -> ConfigReader.read(form));

    assertThat(e.source()).isEqualTo(form.toString());
    assertThat(e.problems()).containsExactly(new Problem("from", "is required", null));
    assertThat(e.getMessage()).contains(form.toString()).contains("from: is required");
  }

  private static List<String> fileProblems(Path form) {
    ConfigException e = catchThrowableOfType(ConfigException.class, () -> ConfigReader.read(form));
    assertThat(e).isNotNull();
    return e.problems().stream().map(Problem::toString).toList();
  }

  private static String minimalJson(String more) {
    return "{\"image\":\"a/b\",\"from\":\"busybox\"" + more + "}";
  }

  @SuppressWarnings("unused")
  private static Map<String, String> map(String... pairs) {
    Map<String, String> map = new LinkedHashMap<>();
    for (int i = 0; i < pairs.length; i += 2) {
      map.put(pairs[i], pairs[i + 1]);
    }
    return map;
  }
}
