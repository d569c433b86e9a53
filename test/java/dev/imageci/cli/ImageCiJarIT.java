package dev.imageci.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The built jar, run the way Jenkins agents run it: {@code java -jar target/imageci.jar}. */
class ImageCiJarIT {

  private static final Path JAR = Path.of("target", "imageci.jar");

  @TempDir Path temp;

  record Run(int status, String out, String err) {}

  private Run java(String... args) throws IOException, InterruptedException {
    return java(List.of(), Map.of(), args);
  }

  private Run java(List<String> jvmOptions, Map<String, String> env, String... args)
      throws IOException, InterruptedException {
    assertThat(JAR).as("built by mvn package before the integration tests").isRegularFile();
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(jvmOptions);
    command.add("-jar");
    command.add(JAR.toString());
    command.addAll(List.of(args));
    Path out = temp.resolve("out");
    Path err = temp.resolve("err");
    ProcessBuilder builder =
        new ProcessBuilder(command)
            .redirectOutput(out.toFile())
            .redirectError(err.toFile())
            .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
    builder.environment().putAll(env);
    Process process = builder.start();
    if (!process.waitFor(2, TimeUnit.MINUTES)) {
      process.destroyForcibly();
      throw new AssertionError("imageci did not finish: " + command);
    }
    return new Run(
        process.exitValue(),
        Files.readString(out, StandardCharsets.UTF_8),
        Files.readString(err, StandardCharsets.UTF_8));
  }

  @Test
  void theJarRendersAForm() throws Exception {
    Path form = Path.of("test/resources/golden/app.yaml");

    Run run = java("render", form.toString());

    assertThat(run.status()).isZero();
    assertThat(run.out())
        .isEqualTo(Files.readString(Path.of("test/resources/golden/app.Dockerfile")));
  }

  @Test
  void theJarRefusesAnInvalidFormWithExitTwoAndNoStackTrace() throws Exception {
    Path form = temp.resolve("bad.json");
    Files.writeString(form, "{\"image\":\"a/b\",\"from\":\"busybox\",\"run\":[\"\\u0000\"]}");

    Run run = java("render", form.toString());

    assertThat(run.status()).isEqualTo(2);
    assertThat(run.out()).isEmpty();
    assertThat(run.err())
        .isEqualTo(
            form
                + ": run[0]: must not contain control or bidi characters other than tab and"
                + " newline; found U+0000 (NUL) (got \"\\u0000\")\n");
  }

  @Test
  void theJarKnowsItsVersionAndHelp() throws Exception {
    assertThat(java("--version").out()).startsWith("imageci 0.1.0");
    assertThat(java("render", "--help").out()).startsWith("Usage: imageci render");
  }

  @Test
  void theSqliteLibraryIsKeptInTheHomeInsteadOfCopiedToTmpEachRun() throws Exception {
    // With no usable temporary directory the driver cannot copy its library out of the jar: the
    // history then opens only from the copy kept in the home.
    List<String> options = List.of("-Djava.io.tmpdir=" + temp.resolve("no-such-dir"));
    Path home = temp.resolve("home");
    Map<String, String> env = Map.of("IMAGECI_HOME", home.toString(), "IMAGECI_DB_URL", "");

    Run first = java(options, env, "history");
    Run second = java(options, env, "history");

    assertThat(first.status()).as(first.err()).isZero();
    assertThat(second.status()).as(second.err()).isZero();
    assertThat(home.resolve("history.db")).isNotEmptyFile();
    try (Stream<Path> kept = Files.list(home.resolve("native"))) {
      assertThat(kept.map(p -> p.getFileName().toString()))
          .singleElement()
          .satisfies(name -> assertThat(name).matches("libsqlitejdbc-[0-9a-f]+\\.so"));
    }
  }
}
