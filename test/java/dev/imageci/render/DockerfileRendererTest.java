package dev.imageci.render;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.imageci.config.Config;
import dev.imageci.config.ConfigException;
import dev.imageci.config.ConfigReader;
import dev.imageci.config.Problem;
import dev.imageci.render.ReferenceDockerfileReader.Dockerfile;
import dev.imageci.render.ReferenceDockerfileReader.Instruction;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class DockerfileRendererTest {

  private static final String MINIMAL = "image: team/web\nfrom: busybox\n";
  private static final Map<String, String> BASE_ENV =
      Map.of("HOME", "/root", "PATH", "/usr/bin:/bin", "USER", "root");

  private final DockerfileRenderer renderer = new DockerfileRenderer();

  private static Config yaml(String text) throws ConfigException {
    return ConfigReader.parse(text, false, Path.of("/forms"), "form.yaml");
  }

  private String render(String yaml) throws ConfigException {
    return renderer.render(yaml(yaml));
  }

  private List<Instruction> instructions(String yaml) throws ConfigException {
    return ReferenceDockerfileReader.read(render(yaml), BASE_ENV).instructions();
  }

  private static Path golden(String name) throws URISyntaxException {
    return Path.of(DockerfileRendererTest.class.getResource("/golden/" + name).toURI());
  }

  // ---- golden files ---------------------------------------------------------------------------

  @ParameterizedTest
  @ValueSource(strings = {"nginx", "app", "scratch"})
  void realisticFormsRenderToTheirGoldenDockerfiles(String name) throws Exception {
    Config config = ConfigReader.read(golden(name + ".yaml"));

    String dockerfile = renderer.render(config);

    assertThat(dockerfile)
        .isEqualTo(Files.readString(golden(name + ".Dockerfile"), StandardCharsets.UTF_8));
  }

  @ParameterizedTest
  @ValueSource(strings = {"nginx", "app", "scratch"})
  void goldenDockerfilesReadBackAsTheBuilderReadsThem(String name) throws Exception {
    Config config = ConfigReader.read(golden(name + ".yaml"));

    Dockerfile read = ReferenceDockerfileReader.read(renderer.render(config), BASE_ENV);

    assertThat(read.directives()).isEmpty();
    assertThat(read.instructions()).allSatisfy(i -> assertThat(i.flags()).isEmpty());
    assertThat(read.instructions())
        .first()
        .isEqualTo(instruction("FROM", config.from().toString()));
  }

  @Test
  void theAppFormReachesTheBuilderValueForValue() throws Exception {
    Config config = ConfigReader.read(golden("app.yaml"));

    List<Instruction> read =
        ReferenceDockerfileReader.read(renderer.render(config), BASE_ENV).instructions();

    assertThat(read)
        .contains(
            instruction("ENV", "GREETING", "say \"hi\" to $USER, it costs $5 \\o/"),
            instruction("ENV", "EMPTY", ""),
            shell(config.run().get(1)),
            shellJson("[ -d /opt/ledger ] || mkdir -p /opt/ledger"),
            instruction("WORKDIR", "/opt/ledger"),
            shell("/opt/ledger/bin/setup --prefix \"$APP_HOME\""),
            json("VOLUME", "/opt/ledger/data", "/var/log/ledger files"),
            json("CMD", "--config", "/opt/ledger/conf/ledger.yaml", "--greeting", "hello $USER"),
            instruction(
                "LABEL",
                "com.example.team",
                "payments",
                "com.example.description",
                "Ledger service; costs \"$0\" to run"));
  }

  @Test
  void buildLabelsJoinTheFormsLabelLineAndTheBuilderReadsThemLiterally() throws Exception {
    String rendered = renderer.render(ConfigReader.read(golden("app.yaml")));

    String sent = DockerfileRenderer.withLabels(rendered, BUILD_LABELS);

    assertThat(sent).startsWith(rendered.substring(0, rendered.length() - 1)).endsWith("\n");
    assertThat(sent.lines()).hasSameSizeAs(rendered.lines().toList());
    List<Instruction> read = ReferenceDockerfileReader.read(sent, BASE_ENV).instructions();
    assertThat(read)
        .hasSameSizeAs(ReferenceDockerfileReader.read(rendered, BASE_ENV).instructions());
    assertThat(read.get(read.size() - 1))
        .isEqualTo(
            instruction(
                "LABEL",
                "com.example.team",
                "payments",
                "com.example.description",
                "Ledger service; costs \"$0\" to run",
                "org.opencontainers.image.revision",
                "ab".repeat(32),
                "org.opencontainers.image.url",
                "https://ci.example.com/job/$HOME/\"x\" \\y"));
    assertThat(DockerfileRenderer.withLabels(rendered, Map.of())).isEqualTo(rendered);
  }

  @Test
  void buildLabelsAreALineOfTheirOwnWhenTheFileDoesNotEndWithLabels() throws Exception {
    String rendered = render(MINIMAL + "cmd: [x]\n");

    String sent = DockerfileRenderer.withLabels(rendered, BUILD_LABELS);

    assertThat(sent).startsWith(rendered);
    List<Instruction> read = ReferenceDockerfileReader.read(sent, BASE_ENV).instructions();
    assertThat(read).extracting(Instruction::keyword).containsExactly("FROM", "CMD", "LABEL");
    assertThat(read.get(2).arguments()).hasSize(4);
    assertThat(DockerfileRenderer.withLabels("FROM scratch", Map.of("a.b", "c")))
        .isEqualTo("FROM scratch\nLABEL a.b=c\n");
  }

  @Test
  void buildLabelsThatWouldMakeTheLastLineTooLongAreALineOfTheirOwn() throws Exception {
    // "LABEL", seven " kN=<value>" and a last " k7=<rest>" that ends 50 bytes short of the limit.
    String value = "v".repeat(ConfigReader.MAX_VALUE_CHARS);
    int used = "LABEL\n".length() + 7 * (" k0=".length() + value.length());
    String rest = "w".repeat(DockerfileRenderer.MAX_LINE_BYTES - 50 - used - " k7=".length());
    StringBuilder form = new StringBuilder(MINIMAL + "labels:\n");
    for (int i = 0; i < 7; i++) {
      form.append("  k").append(i).append(": ").append(value).append('\n');
    }
    String rendered = render(form.append("  k7: ").append(rest).append('\n').toString());
    assertThat(rendered.lines().filter(l -> l.startsWith("LABEL ")).toList())
        .singleElement()
        .satisfies(
            l -> assertThat(l.length() + 1).isEqualTo(DockerfileRenderer.MAX_LINE_BYTES - 50));

    String sent = DockerfileRenderer.withLabels(rendered, BUILD_LABELS);

    assertThat(sent).startsWith(rendered);
    assertThat(sent.lines().filter(l -> l.startsWith("LABEL "))).hasSize(2);
    assertThat(sent.lines().mapToInt(l -> l.length() + 1).max().orElseThrow())
        .isLessThanOrEqualTo(DockerfileRenderer.MAX_LINE_BYTES);
  }

  @Test
  void buildLabelsRefuseWhatCouldEndTheirLine() {
    for (String value : List.of("a\nRUN x", "a\rb", "tab\there", "caf\u00e9")) {
      assertThat(
              catchThrowableOfType(
                  () -> DockerfileRenderer.withLabels("FROM scratch\n", Map.of("a.b", value)),
                  IllegalArgumentException.class))
          .as(value)
          .isNotNull();
    }
    assertThat(
            catchThrowableOfType(
                () -> DockerfileRenderer.withLabels("FROM scratch\n", Map.of("A B", "x")),
                IllegalArgumentException.class))
        .isNotNull();
  }

  @Test
  void theSameConfigAlwaysGivesTheSameBytes() throws Exception {
    Config config = ConfigReader.read(golden("app.yaml"));

    String first = renderer.render(config);

    assertThat(new DockerfileRenderer().render(ConfigReader.read(golden("app.yaml"))))
        .isEqualTo(first);
    assertThat(renderer.render(config)).isEqualTo(first);
  }

  // ---- each field -----------------------------------------------------------------------------

  @Test
  void aMinimalFormIsTheHeaderAndFrom() throws Exception {
    assertThat(render(MINIMAL)).isEqualTo(DockerfileRenderer.HEADER + "\nFROM busybox\n");
  }

  @Test
  void allLabelsAreOneLineAtTheEndSoTheyCostTheBuilderOneStep() throws Exception {
    String dockerfile = render(MINIMAL + "labels: {a.b: c, d.e: f g, h: i}\ncmd: [x]\n");

    assertThat(dockerfile).endsWith("\nCMD [\"x\"]\nLABEL a.b=c d.e=\"f g\" h=i\n");
  }

  @Test
  void labelsTooLongForOneLineAreSplitBetweenLines() throws Exception {
    String value = "v".repeat(ConfigReader.MAX_VALUE_CHARS);
    StringBuilder form = new StringBuilder(MINIMAL + "labels:\n");
    int count = 2 * DockerfileRenderer.MAX_LINE_BYTES / (value.length() + 6);
    for (int i = 0; i < count; i++) {
      form.append("  k").append(i).append(": ").append(value).append('\n');
    }

    String dockerfile = render(form.toString());

    List<String> labelLines = dockerfile.lines().filter(l -> l.startsWith("LABEL ")).toList();
    assertThat(labelLines).hasSize(3); // seven labels of 8 KiB fit one line
    assertThat(labelLines)
        .allSatisfy(
            l -> assertThat(l.length() + 1).isLessThanOrEqualTo(DockerfileRenderer.MAX_LINE_BYTES));
    List<Instruction> read = ReferenceDockerfileReader.read(dockerfile, BASE_ENV).instructions();
    assertThat(read.stream().mapToInt(i -> i.arguments().size()).sum()).isEqualTo(1 + 2 * count);
  }

  @Test
  void instructionsComeInTheDocumentedOrder() throws Exception {
    String form =
        "image: a/b\nfrom: busybox\ncmd: [c]\nentrypoint: [e]\nlabels: {l: v}\nvolumes: [/v]\n"
            + "expose: [1]\nuser: u\nrunAfterRootfs: [after]\nworkdir: /w\nrootfs: r.tar\n"
            + "run: [before]\nenv: {E: v}\nremarks: note\n";

    List<String> keywords = instructions(form).stream().map(Instruction::keyword).toList();

    assertThat(keywords)
        .containsExactly(
            "FROM",
            "ENV",
            "RUN",
            "ADD",
            "WORKDIR",
            "RUN",
            "USER",
            "EXPOSE",
            "VOLUME",
            "ENTRYPOINT",
            "CMD",
            "LABEL");
    assertThat(render(form)).contains("FROM busybox\n# note\nENV E=v\nRUN before\n");
  }

  @Test
  void remarksBecomeCommentsAfterFrom() throws Exception {
    String dockerfile = render(MINIMAL + "remarks: \"# escape=`\\n\\n  indented \\\\\\n\"\n");

    assertThat(dockerfile)
        .isEqualTo(
            DockerfileRenderer.HEADER + "\nFROM busybox\n# # escape=`\n#\n#   indented \\\n");
    assertThat(ReferenceDockerfileReader.read(dockerfile + "RUN x\n", BASE_ENV).directives())
        .isEmpty();
  }

  @Test
  void envAndLabelValuesArePlainOrDoubleQuotedWithBackslashQuoteAndDollarEscaped()
      throws Exception {
    String dockerfile =
        render(
            MINIMAL
                + "env:\n  PLAIN: a-b_c.d/e:f=g,h@i+j%k\n  SPACE: a b\n  EMPTY: ''\n"
                + "  NASTY: '\"$HOME\" \\ ${X} `id` '' #'\nlabels:\n  x.y: $(id)\n");

    assertThat(dockerfile)
        .contains(
            "ENV PLAIN=a-b_c.d/e:f=g,h@i+j%k\n",
            "ENV SPACE=\"a b\"\n",
            "ENV EMPTY=\"\"\n",
            "ENV NASTY=\"\\\"\\$HOME\\\" \\\\ \\${X} `id` ' #\"\n",
            "LABEL x.y=\"\\$(id)\"\n");
  }

  @Test
  void envValuesReachTheImageLiterally() throws Exception {
    assertThat(instructions(MINIMAL + "env:\n  A: '$HOME'\n  B: 'x${A}y'\n  C: '\\$A \\\\'\n"))
        .containsSubsequence(
            instruction("ENV", "A", "$HOME"),
            instruction("ENV", "B", "x${A}y"),
            instruction("ENV", "C", "\\$A \\\\"));
  }

  @Test
  void aOneLineCommandStaysInShellForm() throws Exception {
    assertThat(render(MINIMAL + "run: ['echo \"$HOME\" | tr a-z A-Z > /x && id']\n"))
        .endsWith("\nRUN echo \"$HOME\" | tr a-z A-Z > /x && id\n");
  }

  @Test
  void anyOtherCommandRunsAsTheExactScriptInExecForm() throws Exception {
    String form =
        MINIMAL
            + "run:\n"
            + "  - \"set -e\\napk add x\"\n"
            + "  - 'echo done \\'\n"
            + "  - '[ -f /x ] && rm /x'\n"
            + "  - '--mount=type=secret,id=a cat /run/secrets/a'\n"
            + "  - 'cat <<EOF'\n"
            + "  - ' leading space'\n"
            + "  - \"trailing nbsp\\u00a0\"\n"
            + "  - '# not a comment'\n"
            + "  - \"tab\\there\"\n";

    List<Instruction> read = instructions(form);

    assertThat(read.subList(1, read.size()))
        .allSatisfy(i -> assertThat(i.json()).as(i.toString()).isTrue())
        .containsExactly(
            shellJson("set -e\napk add x"),
            shellJson("echo done \\"),
            shellJson("[ -f /x ] && rm /x"),
            shellJson("--mount=type=secret,id=a cat /run/secrets/a"),
            shellJson("cat <<EOF"),
            shellJson(" leading space"),
            shellJson("trailing nbsp\u00a0"),
            shellJson("# not a comment"),
            shellJson("tab\there"));
  }

  @Test
  void commandsBeforeAndAfterTheRootfsSurroundTheAdd() throws Exception {
    assertThat(render(MINIMAL + "run: [a]\nrootfs: files/r.tgz\nrunAfterRootfs: [b]\n"))
        .endsWith("FROM busybox\nRUN a\nADD rootfs.tar.gz /\nRUN b\n");
  }

  @Test
  void theRootfsIsAddedUnderAFixedNameThatKeepsItsCompression() throws Exception {
    assertThat(render(MINIMAL + "rootfs: \"weird name $x.tar.xz\"\n"))
        .endsWith("\nADD rootfs.tar.xz /\n");
    assertThat(DockerfileRenderer.rootfsContextName(yaml(MINIMAL + "rootfs: a.TGZ\n").rootfs()))
        .isEqualTo("rootfs.tar.gz");
    assertThat(
            DockerfileRenderer.rootfsContextName(
                yaml(MINIMAL + "rootfs: https://h.example/r.tar.bz2?x=1.gz\n").rootfs()))
        .isEqualTo("rootfs.tar.bz2");
    assertThat(DockerfileRenderer.rootfsContextName(yaml(MINIMAL + "rootfs: r\n").rootfs()))
        .isEqualTo("rootfs.tar");
  }

  @Test
  void workdirUserAndVolumesAreWords() throws Exception {
    String form = MINIMAL + "workdir: /srv/my app\nuser: app:staff\nvolumes: [/data, /a b]\n";

    assertThat(render(form))
        .contains(
            "WORKDIR \"/srv/my app\"\n",
            "USER app:staff\n",
            "VOLUME [\"/data\",\"\\\"/a b\\\"\"]\n");
    assertThat(instructions(form))
        .contains(
            instruction("WORKDIR", "/srv/my app"),
            instruction("USER", "app:staff"),
            json("VOLUME", "/data", "/a b"));
  }

  @Test
  void eachPortIsExposedOnItsOwnLine() throws Exception {
    assertThat(render(MINIMAL + "expose: [80, 53/udp]\n")).endsWith("EXPOSE 80\nEXPOSE 53/udp\n");
  }

  @Test
  void entrypointAndCmdAreJsonArraysThatKeepDollarsLiterally() throws Exception {
    String form = MINIMAL + "entrypoint: [/bin/sh, -c]\ncmd: ['echo \"$HOME\" \\ \u2603', '']\n";

    assertThat(render(form))
        .endsWith(
            "ENTRYPOINT [\"/bin/sh\",\"-c\"]\nCMD [\"echo \\\"$HOME\\\" \\\\ \u2603\",\"\"]\n");
    assertThat(instructions(form))
        .endsWith(json("ENTRYPOINT", "/bin/sh", "-c"), json("CMD", "echo \"$HOME\" \\ \u2603", ""));
  }

  @Test
  void theTestCommandAndTagsDoNotChangeTheDockerfile() throws Exception {
    assertThat(render(MINIMAL + "tag: [a, b]\ntest: [/bin/true]\n")).isEqualTo(render(MINIMAL));
  }

  // ---- limits ---------------------------------------------------------------------------------

  @Test
  void aLineTheBuilderCannotReadIsAProblemOfItsField() throws Exception {
    StringBuilder form = new StringBuilder(MINIMAL + "cmd:\n");
    for (int i = 0; i < 9; i++) {
      form.append("  - \"").append("\u00e9".repeat(8000)).append("\"\n");
    }

    ConfigException e = catchThrowableOfType(ConfigException.class, () -> render(form.toString()));

    assertThat(e.source()).isEqualTo(DockerfileRenderer.SOURCE);
    assertThat(e.problems())
        .singleElement()
        .satisfies(
            p -> {
              assertThat(p.field()).isEqualTo("cmd");
              // CMD [ + 9 quoted values of 16000 bytes + 8 commas + ] + newline
              assertThat(p.rule()).startsWith("makes a Dockerfile line of 144033 bytes;");
            });
  }

  @Test
  void aLineJustUnderTheBuilderLimitIsRendered() throws Exception {
    String value = "v".repeat(ConfigReader.MAX_VALUE_CHARS);
    StringBuilder form = new StringBuilder(MINIMAL + "entrypoint:\n");
    int count = (DockerfileRenderer.MAX_LINE_BYTES - 20) / (value.length() + 3);
    for (int i = 0; i < count; i++) {
      form.append("  - ").append(value).append('\n');
    }

    String dockerfile = render(form.toString());

    assertThat(dockerfile.lines().mapToInt(l -> l.length() + 1).max().orElseThrow())
        .isLessThanOrEqualTo(DockerfileRenderer.MAX_LINE_BYTES);
    assertThat(ReferenceDockerfileReader.read(dockerfile, BASE_ENV).instructions()).hasSize(2);
  }

  @Test
  void aTooLargeDockerfileIsAProblemOfTheFieldThatMadeItLarge() throws Exception {
    StringBuilder form = new StringBuilder(MINIMAL + "env: {A: b}\nrun:\n");
    for (int i = 0; i < 40; i++) {
      form.append("  - echo ").append("x".repeat(15000)).append('\n');
    }

    ConfigException e = catchThrowableOfType(ConfigException.class, () -> render(form.toString()));

    // 40 lines "RUN echo x...x\n" of 15010 bytes; the header, FROM and ENV lines add 95.
    assertThat(e.problems())
        .containsExactly(
            new Problem(
                "run",
                "makes up 600400 bytes of a 600495-byte Dockerfile; at most 524288 bytes are"
                    + " allowed in all (shorten it, or move the content into the rootfs)",
                null));
  }

  // ---- helpers --------------------------------------------------------------------------------

  private static final Map<String, String> BUILD_LABELS = buildLabels();

  private static Map<String, String> buildLabels() {
    Map<String, String> labels = new java.util.LinkedHashMap<>();
    labels.put("org.opencontainers.image.revision", "ab".repeat(32));
    labels.put("org.opencontainers.image.url", "https://ci.example.com/job/$HOME/\"x\" \\y");
    return labels;
  }

  private static Instruction instruction(String keyword, String... arguments) {
    return new Instruction(keyword, List.of(), List.of(arguments), false);
  }

  private static Instruction json(String keyword, String... arguments) {
    return new Instruction(keyword, List.of(), List.of(arguments), true);
  }

  private static Instruction shell(String command) {
    return new Instruction(
        "RUN", List.of(), List.of("/bin/sh", "-c", command), command.indexOf('\n') >= 0);
  }

  private static Instruction shellJson(String command) {
    return json("RUN", "/bin/sh", "-c", command);
  }
}
