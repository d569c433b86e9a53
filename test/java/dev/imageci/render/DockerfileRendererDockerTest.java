package dev.imageci.render;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.imageci.config.Config;
import dev.imageci.config.ConfigReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Rendered Dockerfiles built by the real daemon's classic builder (the one docker-java drives):
 * every value in the image, and every command's input, is exactly what the form says.
 */
@Tag("docker")
class DockerfileRendererDockerTest {

  @TempDir Path context;
  @TempDir Path logs;

  private final String image =
      "imageci-test/config-render-" + UUID.randomUUID().toString().substring(0, 8);
  private boolean built;

  private static String env(String name) {
    String value = System.getenv(name);
    if (value == null || value.isBlank()) {
      fail(
          name
              + " is not set: start the services (scripts/services start) and"
              + " eval \"$(scripts/services env)\", or run scripts/test");
    }
    return value;
  }

  @AfterEach
  void removeImage() throws Exception {
    if (built) {
      docker("rmi", "-f", image);
    }
  }

  @Test
  void theClassicBuilderGivesTheImageEveryValueLiterally() throws Exception {
    env("DOCKER_HOST");
    String form =
        "image: "
            + image
            + "\n"
            + "from: "
            + env("IMAGECI_TEST_BASE_IMAGE")
            + "\n"
            + "env:\n"
            + "  A: 'x $HOME ${HOME} \"q\" '' \\ ` #'\n"
            + "  C: '  spaced  '\n"
            + "run:\n"
            + "  - 'echo \"$A\" > /a.txt'\n"
            + "  - |\n"
            + "    set -e\n"
            + "    printf '%s\\n' \"two $C\" > /b.txt\n"
            + "  - 'echo trailing \\'\n"
            + "  - '[ -f /a.txt ] && echo bracket > /c.txt'\n"
            + "workdir: /srv/my $dir\n"
            + "user: \"1000:1000\"\n"
            + "volumes: [\"/data $x\", /logs]\n"
            + "labels:\n"
            + "  com.example.x: 'v $HOME \"q\" \\'\n"
            + "entrypoint: [/bin/sh, -c, 'cat /a.txt /b.txt /c.txt; pwd; echo \"$0\"']\n"
            + "cmd: ['$arg \"x\"']\n"
            + "remarks: |\n"
            + "  # escape=`\n"
            + "  FROM evil\n";
    Config config = ConfigReader.parse(form, false, context, "form.yaml");
    Files.writeString(context.resolve("Dockerfile"), new DockerfileRenderer().render(config));

    docker("build", "-q", "-t", image, context.toString());
    built = true;
    JsonNode imageConfig =
        new ObjectMapper()
            .readTree(docker("image", "inspect", "--format", "{{json .Config}}", image));
    String output = docker("run", "--rm", "--network", "none", image);

    assertThat(imageConfig.get("Env").toString())
        .contains("\"A=x $HOME ${HOME} \\\"q\\\" ' \\\\ ` #\"", "\"C=  spaced  \"");
    assertThat(imageConfig.get("Labels").get("com.example.x").asText())
        .isEqualTo("v $HOME \"q\" \\");
    assertThat(imageConfig.get("WorkingDir").asText()).isEqualTo("/srv/my $dir");
    assertThat(imageConfig.get("User").asText()).isEqualTo("1000:1000");
    assertThat(fieldNames(imageConfig.get("Volumes")))
        .containsExactlyInAnyOrder("/data $x", "/logs");
    assertThat(imageConfig.get("Cmd").get(0).asText()).isEqualTo("$arg \"x\"");
    assertThat(output)
        .isEqualTo(
            "x $HOME ${HOME} \"q\" ' \\ ` #\ntwo   spaced  \nbracket\n/srv/my $dir\n$arg \"x\"\n");
  }

  private static List<String> fieldNames(JsonNode node) {
    List<String> names = new ArrayList<>();
    node.fieldNames().forEachRemaining(names::add);
    return names;
  }

  private String docker(String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of("docker"));
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command);
    builder.environment().put("DOCKER_BUILDKIT", "0"); // the classic builder, as docker-java uses
    Path out = Files.createTempFile(logs, "docker", ".out");
    Path err = Files.createTempFile(logs, "docker", ".err");
    Process process = builder.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
    if (!process.waitFor(5, TimeUnit.MINUTES)) {
      process.destroyForcibly();
      fail("docker " + String.join(" ", args) + " did not finish");
    }
    String output = Files.readString(out, StandardCharsets.UTF_8);
    if (process.exitValue() != 0) {
      fail("docker " + String.join(" ", args) + " failed: " + Files.readString(err));
    }
    return output;
  }
}
