package dev.imageci.pipeline;

import dev.imageci.config.Config;
import dev.imageci.config.ConfigException;
import dev.imageci.render.DockerfileRenderer;

/** Step: the form becomes a Dockerfile. */
final class RenderDockerfile {

  String call(Config config) throws ConfigException {
    return new DockerfileRenderer().render(config);
  }
}
