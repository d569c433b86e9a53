package dev.imageci.pipeline;

import dev.imageci.config.Config;
import dev.imageci.docker.CancelSignal;
import dev.imageci.docker.CancelledException;
import dev.imageci.docker.DockerException;
import dev.imageci.docker.DockerImages;
import dev.imageci.docker.SmokeTestResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Step: the form's test command runs in the new image, without network, before any push. */
final class RunSmokeTest {

  private static final Logger LOG = LoggerFactory.getLogger(RunSmokeTest.class);

  private final DockerImages docker;
  private final CancelSignal cancel;

  RunSmokeTest(DockerImages docker, CancelSignal cancel) {
    this.docker = docker;
    this.cancel = cancel;
  }

  void call(Config config, String imageId)
      throws DockerException, CancelledException, BuildFailedException {
    LOG.info("Smoke test: {}", config.test());
    SmokeTestResult result = docker.runTest(imageId, config.test(), cancel);
    if (!result.passed()) {
      throw new BuildFailedException(
          "the smoke test " + config.test() + " exited with status " + result.exitCode());
    }
    LOG.info("Smoke test passed");
  }
}
