package dev.imageci.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InvocationTest {

  @TempDir Path temp;

  @Test
  void aCallersRelativePathVariablesAreReadFromItsDirectory() {
    Path caller = temp.resolve("workspace");

    Invocation invocation =
        Invocation.ofCaller(
            Map.of(
                "IMAGECI_HOME", ".imageci",
                "DOCKER_CONFIG", "../docker",
                "DOCKER_CERT_PATH", "/etc/docker/certs",
                "IMAGECI_DB_URL", "jdbc:postgresql://db/imageci"),
            caller,
            Invocation.Cancellation.NONE);

    assertThat(invocation.env())
        .containsEntry("IMAGECI_HOME", caller.resolve(".imageci").toString())
        .containsEntry("DOCKER_CONFIG", temp.resolve("docker").toString())
        .containsEntry("DOCKER_CERT_PATH", "/etc/docker/certs")
        .containsEntry("IMAGECI_DB_URL", "jdbc:postgresql://db/imageci");
  }

  @Test
  void relativeArgumentsAreResolvedAgainstTheWorkingDirectory() {
    Invocation invocation = new Invocation(Map.of(), temp, Invocation.Cancellation.NONE);

    assertThat(invocation.resolve(Path.of("image.yaml"))).isEqualTo(temp.resolve("image.yaml"));
    assertThat(invocation.resolve(Path.of("/srv/image.yaml")))
        .isEqualTo(Path.of("/srv/image.yaml"));
  }

  @Test
  void aRelativeWorkingDirectoryIsRefused() {
    assertThatThrownBy(
            () -> new Invocation(Map.of(), Path.of("work"), Invocation.Cancellation.NONE))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("must be absolute")
        .hasMessageContaining("\"work\"");
  }

  @Test
  void aCommandReadsItsFormFromTheInvocationsDirectoryNotThisProcesss() throws Exception {
    Path caller = Files.createDirectory(temp.resolve("caller"));
    Files.writeString(
        caller.resolve("image.yaml"),
        "image: r.example.com/team/app\nfrom: r.example.com/base/os:1\n");
    Files.writeString(caller.resolve("bad.yaml"), "image: r.example.com/team/app\n");
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();

    int status =
        ImageCi.run(
            new Invocation(Map.of(), caller, Invocation.Cancellation.NONE),
            new PrintWriter(out),
            new PrintWriter(err),
            "render",
            "image.yaml");
    int invalid =
        ImageCi.run(
            new Invocation(Map.of(), caller, Invocation.Cancellation.NONE),
            new PrintWriter(out),
            new PrintWriter(err),
            "render",
            "bad.yaml");

    assertThat(status).as(err.toString()).isZero();
    assertThat(out.toString()).contains("FROM r.example.com/base/os:1");
    assertThat(invalid).isEqualTo(ImageCi.EXIT_INVALID);
    assertThat(err.toString()).as("named as given").startsWith("bad.yaml: from: ");
  }
}
