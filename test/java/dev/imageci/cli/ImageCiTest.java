package dev.imageci.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;

class ImageCiTest {

  @TempDir Path temp;

  /** The exit status and what the command printed on stdout and stderr. */
  record Run(int status, String out, String err) {}

  static Run run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();

    int status = ImageCi.run(new PrintWriter(out), new PrintWriter(err), args);

    return new Run(status, out.toString(), err.toString());
  }

  private Path golden(String name) throws Exception {
    return Path.of(getClass().getResource("/golden/" + name).toURI());
  }

  @Test
  void renderPrintsTheDockerfileAndExitsZero() throws Exception {
    Run run = run("render", golden("nginx.yaml").toString());

    assertThat(run.status()).isZero();
    assertThat(run.out()).isEqualTo(Files.readString(golden("nginx.Dockerfile")));
    assertThat(run.err()).isEmpty();
  }

  @Test
  void anInvalidConfigPrintsOneLinePerProblemAndExitsTwo() throws Exception {
    Path form = temp.resolve("form.yaml");
    Files.writeString(
        form,
        "image: Team/Web\nfrom: busybox\nrun: [ls, \"\"]\nenv:\n  JAVA_OPTS: \"a\\nb\"\n"
            + "labels: {x: \"\\t\"}\nexpose: [99999]\n");

    Run run = run("render", form.toString());

    assertThat(run.status()).isEqualTo(2);
    assertThat(run.out()).isEmpty();
    assertThat(run.err().lines().toList())
        .hasSize(5)
        .allSatisfy(line -> assertThat(line).startsWith(form + ": "))
        .anySatisfy(line -> assertThat(line).startsWith(form + ": image: "))
        .anySatisfy(line -> assertThat(line).startsWith(form + ": run[1]: is blank"))
        .anySatisfy(line -> assertThat(line).startsWith(form + ": env.JAVA_OPTS: must be a single"))
        .anySatisfy(line -> assertThat(line).startsWith(form + ": labels.x: must be a single"))
        .anySatisfy(
            line ->
                assertThat(line)
                    .isEqualTo(
                        form
                            + ": expose[0]: must be a port from 1 to 65535 without leading zeros,"
                            + " optionally with /tcp, /udp or /sctp (e.g. 80, \"53/udp\") (got \"99999\")"));
  }

  @Test
  void aConfigTooLargeToRenderNamesTheFileAndTheField() throws Exception {
    StringBuilder form = new StringBuilder("image: a/b\nfrom: busybox\nrun:\n");
    for (int i = 0; i < 40; i++) {
      form.append("  - echo ").append("x".repeat(15000)).append('\n');
    }
    Path file = temp.resolve("big.yaml");
    Files.writeString(file, form);

    Run run = run("render", file.toString());

    assertThat(run.status()).isEqualTo(2);
    assertThat(run.out()).isEmpty();
    assertThat(run.err()).startsWith(file + ": run: makes up ").hasLineCount(1);
  }

  @Test
  void aMissingConfigIsAProblemNotAStackTrace() {
    Run run = run("render", temp.resolve("nope.yaml").toString());

    assertThat(run.status()).isEqualTo(2);
    assertThat(run.err()).isEqualTo(temp.resolve("nope.yaml") + ": (config): does not exist\n");
  }

  @Test
  void anAtArgumentIsTextNotAFileToRead() throws Exception {
    Path list = Files.writeString(temp.resolve("args"), golden("nginx.yaml").toString());

    Run run = run("render", "@" + list);

    assertThat(run.status()).isEqualTo(2);
    assertThat(run.out()).isEmpty();
    assertThat(run.err()).isEqualTo("@" + list + ": (config): does not exist\n");
  }

  @Test
  void randomBytesAsAConfigNeverGiveAStackTraceOrADockerfile() throws Exception {
    Random random = new Random(20261203L);
    byte[] yamlish =
        "image: a/b\nfrom: x\n- [{}]: &*!|>'\"#%@`\t\r\n\\u00e9".getBytes(StandardCharsets.UTF_8);
    for (int i = 0; i < 300; i++) {
      byte[] bytes = new byte[random.nextInt(200)];
      for (int j = 0; j < bytes.length; j++) {
        bytes[j] =
            random.nextBoolean()
                ? yamlish[random.nextInt(yamlish.length)]
                : (byte) random.nextInt();
      }
      Path form = temp.resolve("fuzz-" + i + (i % 2 == 0 ? ".yaml" : ".json"));
      Files.write(form, bytes);

      Run run = run("render", form.toString());

      assertThat(run.status()).as("status for %s", form).isEqualTo(2);
      assertThat(run.out()).isEmpty();
      assertThat(run.err().lines())
          .isNotEmpty()
          .allSatisfy(line -> assertThat(line).startsWith(form + ": ").doesNotContain("\tat "));
    }
  }

  @Test
  void everyExampleFormRenders() throws Exception {
    try (var forms = Files.walk(Path.of("examples"))) {
      List<Path> examples = forms.filter(p -> p.toString().endsWith(".yaml")).toList();

      assertThat(examples).isNotEmpty();
      for (Path example : examples) {
        Run run = run("render", example.toString());
        assertThat(run.status()).as("%s: %s", example, run.err()).isZero();
        assertThat(run.out()).contains("\nFROM ");
      }
    }
  }

  @Test
  void aWrongOptionIsAUsageErrorWithExitTwo() {
    Run run = run("render", "--frobnicate", "x.yaml");

    assertThat(run.status()).isEqualTo(2);
    assertThat(run.err())
        .contains("Unknown option: '--frobnicate'")
        .contains("imageci render --help");
  }

  @Test
  void renderWithoutAConfigIsAUsageError() {
    Run run = run("render");

    assertThat(run.status()).isEqualTo(2);
    assertThat(run.err()).contains("Missing required parameter: 'CONFIG'");
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "render"})
  void everyCommandHasHelp(String command) {
    String[] args = command.isEmpty() ? new String[] {"--help"} : new String[] {command, "--help"};

    Run run = run(args);

    assertThat(run.status()).isZero();
    assertThat(run.out()).startsWith("Usage: imageci" + (command.isEmpty() ? "" : " " + command));
    assertThat(run.err()).isEmpty();
  }

  @Test
  void helpCoversEverySubcommand() {
    CommandLine commandLine = new CommandLine(new ImageCi());

    for (String name : commandLine.getSubcommands().keySet()) {
      Run run = run(name, "--help");
      assertThat(run.status()).as(name).isZero();
      assertThat(run.out()).as(name).contains("Usage: imageci " + name);
    }
  }

  @Test
  void renderHelpDocumentsTheExitStatus() {
    Run run = run("render", "--help");

    assertThat(run.out())
        .contains("Exit status:")
        .contains("0   the Dockerfile was printed")
        .contains("2   invalid config or usage");
  }

  @Test
  void versionIsPrinted() {
    Run run = run("--version");

    assertThat(run.status()).isZero();
    assertThat(run.out()).startsWith("imageci ");
  }

  @Test
  void versionAloneIsPrintedAsPicocliPrintsIt() {
    StringWriter picocli = new StringWriter();
    new CommandLine(new ImageCi()).printVersionHelp(new PrintWriter(picocli, true));

    assertThat(run("--version").out()).isEqualTo(picocli.toString());
    assertThat(run("-V").out()).isEqualTo(picocli.toString());
  }

  @Test
  void theReadmeShowsTheRenderUsageAsPrinted() throws Exception {
    String readme = Files.readString(Path.of("README.md"));
    List<String> usage = run("render", "--help").out().lines().toList();

    assertThat(readme).contains(String.join("\n", usage));
  }
}
