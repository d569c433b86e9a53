package dev.imageci.cli;

import static dev.imageci.cli.ImageCiProcess.require;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.imageci.cli.ImageCiProcess.Result;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs {@code imageci build} as a separate process, as Jenkins does: exit status, streams, signals.
 */
@Tag("docker")
@Tag("registry")
class BuildCommandTest {

  @TempDir Path dir;

  private String repository;

  private Path form(String rest) throws Exception {
    repository =
        require("IMAGECI_TEST_REGISTRY")
            + "/imageci-test-docker/cli-"
            + UUID.randomUUID().toString().substring(0, 8);
    Path file = dir.resolve("image.yaml");
    Files.writeString(
        file,
        "image: "
            + repository
            + "\ntag: [\"01\", \"latest\"]\nfrom: "
            + require("IMAGECI_TEST_BASE_IMAGE")
            + "\n"
            + rest);
    return file;
  }

  @Test
  void pushesAndPrintsOnlyTheJsonResultOnStdout() throws Exception {
    Path form = form("run: [\"echo built-by-test\"]\n");
    Path resultFile = dir.resolve("result.json");

    Result run =
        imageci(
            "build",
            form.toString(),
            "--push",
            "--json",
            "--rm-after-push",
            "--result-file",
            resultFile.toString(),
            "--request-id",
            "req-7");

    assertThat(run.exit()).as(run.stderr()).isZero();
    JsonNode json = new ObjectMapper().readTree(run.stdout());
    assertThat(json.get("status").asText()).isEqualTo("succeeded");
    assertThat(json.get("image").asText()).isEqualTo(repository);
    assertThat(json.get("tags").toString()).isEqualTo("[\"01\",\"latest\"]");
    assertThat(json.get("digest").asText()).startsWith("sha256:");
    assertThat(json.get("imageId").asText()).startsWith("sha256:");
    assertThat(json.get("size").asLong()).isPositive();
    assertThat(json.get("requestId").asText()).isEqualTo("req-7");
    assertThat(json.get("stages").has("push")).isTrue();
    assertThat(Files.readString(resultFile).trim()).isEqualTo(run.stdout().trim());
    assertThat(run.stderr()).contains("built-by-test").contains("Step 1/");
    assertThat(run.stderr() + run.stdout())
        .doesNotContain(require("IMAGECI_TEST_REGISTRY_PASSWORD"));
    assertThat(localImages(repository)).isEmpty();
  }

  @Test
  void aTimeoutCancelsTheBuildWithStatus124() throws Exception {
    Path form = form("run: [\"sleep 300\"]\n");

    Result run = imageci("build", form.toString(), "--json", "--timeout", "3s");

    assertThat(run.exit()).as(run.stderr()).isEqualTo(124);
    JsonNode json = new ObjectMapper().readTree(run.stdout());
    assertThat(json.get("status").asText()).isEqualTo("cancelled");
    assertThat(json.get("error").asText()).contains("timed out");
  }

  @Test
  void sigtermCancelsTheBuildWithStatus130AndLeavesNoContainer() throws Exception {
    Path form = form("run: [\"echo sleeping; sleep 300\"]\n");
    Process process = start("build", form.toString(), "--json");
    StringBuilder stderr = new StringBuilder();
    Thread reader = ImageCiProcess.drainErrors(process, stderr);
    String container = awaitRunningContainer(stderr);

    // SIGTERM, what a Jenkins abort sends first; Process.destroy would close our pipes too.
    new ProcessBuilder("kill", "-TERM", Long.toString(process.pid())).start().waitFor();
    String stdout = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("exited after SIGTERM").isTrue();
    reader.join();

    assertThat(process.exitValue()).as(stderr.toString()).isEqualTo(130);
    assertThat(new ObjectMapper().readTree(stdout).get("status").asText()).isEqualTo("cancelled");
    assertThat(containerGone(container)).as("build container %s removed", container).isTrue();
  }

  @Test
  void anUnreachableDaemonStillGivesAJsonResult() throws Exception {
    Path form = form("");

    Result run =
        imageci(Map.of("DOCKER_HOST", "tcp://127.0.0.1:1"), "build", form.toString(), "--json");

    assertThat(run.exit()).isEqualTo(1);
    JsonNode json = new ObjectMapper().readTree(run.stdout());
    assertThat(json.get("status").asText()).isEqualTo("failed");
    assertThat(json.get("error").asText())
        .isEqualTo(
            "the Docker daemon at tcp://127.0.0.1:1 is not answering: Connect to"
                + " http://127.0.0.1:1 failed: Connection refused");
  }

  @Test
  void aBadTimeoutIsAUsageError() throws Exception {
    Result run = imageci("build", form("").toString(), "--timeout", "soon");

    assertThat(run.exit()).isEqualTo(2);
    assertThat(run.stderr()).contains("expected a duration such as 90s, 30m or 1h30m");
  }

  @Test
  void theReadmeUsageLineNamesExactlyTheOptionsOfTheHelp() throws Exception {
    String readme = Files.readString(Path.of("README.md"));
    int start = readme.indexOf("    imageci build CONFIG");
    String usage = readme.substring(start, readme.indexOf("\n\n", start));

    String help = imageci("build", "--help").stdout();

    java.util.regex.Matcher option = java.util.regex.Pattern.compile("--[a-z-]+").matcher(usage);
    List<String> documented = new ArrayList<>();
    while (option.find()) {
      documented.add(option.group());
      assertThat(help).contains(option.group());
    }
    java.util.regex.Matcher offered = java.util.regex.Pattern.compile("--[a-z-]+").matcher(help);
    while (offered.find()) {
      assertThat(
              documented.contains(offered.group()) || offered.group().matches("--(help|version)"))
          .as("%s is documented in the README", offered.group())
          .isTrue();
    }
  }

  // Helpers.

  private ImageCiProcess process() {
    return new ImageCiProcess(dir, Map.of("IMAGECI_HOME", dir.resolve("imageci-home").toString()));
  }

  private Result imageci(String... args) throws Exception {
    return process().run(Map.of(), args);
  }

  private Result imageci(Map<String, String> extraEnv, String... args) throws Exception {
    return process().run(extraEnv, args);
  }

  private Process start(String... args) throws Exception {
    return process().start(Map.of(), args);
  }

  // stderr is read whole at exit, so the running container is found through the daemon.
  private String awaitRunningContainer(StringBuilder stderr) throws Exception {
    for (int i = 0; i < 600; i++) {
      Result ps = docker("ps", "--no-trunc", "--format", "{{.ID}} {{.Command}}");
      for (String line : ps.stdout().split("\n")) {
        if (line.contains("echo sleeping; sleep 300")) {
          return line.substring(0, line.indexOf(' '));
        }
      }
      Thread.sleep(100);
    }
    throw new AssertionError("no build container appeared: " + stderr);
  }

  private boolean containerGone(String id) throws Exception {
    for (int i = 0; i < 100; i++) {
      if (!docker("ps", "-a", "--no-trunc", "--format", "{{.ID}}").stdout().contains(id)) {
        return true;
      }
      Thread.sleep(100);
    }
    return false;
  }

  private List<String> localImages(String name) throws Exception {
    List<String> found = new ArrayList<>();
    for (String line : docker("images", "--format", "{{.Repository}}").stdout().split("\n")) {
      if (line.equals(name)) {
        found.add(line);
      }
    }
    return found;
  }

  private static Result docker(String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of("docker"));
    command.addAll(List.of(args));
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    process.waitFor();
    return new Result(process.exitValue(), out, "");
  }
}
