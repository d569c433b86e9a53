package dev.imageci.docker;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.imageci.context.BuildContext;
import java.io.InputStream;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The build stream's failure paths, against a fake daemon on loopback; the real daemon's paths
 * (failing RUN, cancel, push) are in BuildPipelineTest.
 */
class DockerImagesTest {

  private static final String STEP = "{\"stream\":\"Step 1/2 : FROM scratch\\n\"}";

  private static void build(FakeDaemon daemon) throws Exception {
    try (DockerConnection docker = DockerConnection.to(daemon.host());
        InputStream context = new BuildContext("FROM scratch\n", null, null).open()) {
      new DockerImages(docker, line -> {})
          .build(
              context,
              new BuildSpec(List.of("x:imageci-build-1"), false, false, null),
              new CancelSignal());
    }
  }

  @Test
  void anErrorInTheStreamFailsTheBuildEvenWhenASuccessLineFollows() throws Exception {
    String error =
        "{\"errorDetail\":{\"message\":\"The command '/bin/sh -c false' returned a non-zero code:"
            + " 1\"},\"error\":\"failed\"}";
    String success = "{\"stream\":\"Successfully built 0123456789ab\\n\"}";
    try (FakeDaemon daemon = new FakeDaemon(List.of(STEP, error, success), false)) {

      assertThatThrownBy(() -> build(daemon))
          .isExactlyInstanceOf(DockerException.class)
          .hasMessage("The command '/bin/sh -c false' returned a non-zero code: 1");
    }
  }

  @Test
  void aDaemonThatDiesMidBuildIsReportedAsSuch() throws Exception {
    try (FakeDaemon daemon = new FakeDaemon(List.of(STEP), true)) {

      assertThatThrownBy(() -> build(daemon))
          .isInstanceOf(DaemonUnavailableException.class)
          .hasMessageContaining("stopped answering during the build (did it stop or restart?)");
    }
  }

  @Test
  void aStreamThatEndsWithoutAResultIsNotTakenForSuccess() throws Exception {
    try (FakeDaemon daemon = new FakeDaemon(List.of(STEP), false)) {

      assertThatThrownBy(() -> build(daemon))
          .isInstanceOf(DaemonUnavailableException.class)
          .hasMessageContaining("ended the build without a result or an error");
    }
  }
}
