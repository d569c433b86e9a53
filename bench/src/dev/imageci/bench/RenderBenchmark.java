package dev.imageci.bench;

import dev.imageci.config.Config;
import dev.imageci.config.ConfigException;
import dev.imageci.config.ConfigReader;
import dev.imageci.render.DockerfileRenderer;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Configs read, validated and rendered per second by one thread: the work {@code imageci render}
 * does after start-up. The renderer is built once, as a long-running service would keep it.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class RenderBenchmark {

  // A form of the size teams fill in: a few commands, env, ports, labels, entry program.
  private static final String YAML =
      """
      image: registry.example.com/team/web
      tag: ["1.4.2", latest]
      from: registry.example.com/base/debian:12
      run:
        - apt-get update && apt-get install -y --no-install-recommends nginx curl
        - rm -rf /var/lib/apt/lists/*
        - mkdir -p /var/www /var/log/web
      rootfs: rootfs.tar.gz
      runAfterRootfs:
        - chmod 0755 /usr/local/bin/web
      env:
        WEB_ROOT: /var/www
        GREETING: "hello from $HOME"
        JAVA_OPTS: "-Xmx256m -Dfile.encoding=UTF-8"
      workdir: /var/www
      user: "65534:65534"
      expose: [8080, "8443/tcp", "8080/udp"]
      volumes: [/var/log/web]
      labels:
        com.example.team: web
        com.example.owner: platform
      entrypoint: ["/usr/local/bin/web"]
      cmd: ["-p", "8080", "-c", "/etc/web/web.conf"]
      remarks: |
        Serves the team's static pages.
        Built by image-ci.
      """;

  private static final Path BASE_DIR = Path.of("/srv/forms/web");

  private DockerfileRenderer renderer;
  private String json;
  private Config parsed;

  @Setup
  public void setUp() throws Exception {
    renderer = new DockerfileRenderer();
    json =
        new com.fasterxml.jackson.databind.ObjectMapper()
            .writeValueAsString(new org.yaml.snakeyaml.Yaml().load(YAML));
    parsed = ConfigReader.parse(YAML, false, BASE_DIR, "web.yaml");
  }

  @Benchmark
  public String yaml() throws ConfigException {
    Config config = ConfigReader.parse(YAML, false, BASE_DIR, "web.yaml");
    return renderer.render(config);
  }

  @Benchmark
  public String json() throws ConfigException {
    Config config = ConfigReader.parse(json, true, BASE_DIR, "web.json");
    return renderer.render(config);
  }

  /** The YAML form read and validated, not rendered: the share the parser takes. */
  @Benchmark
  public Config yamlValidateOnly() throws ConfigException {
    return ConfigReader.parse(YAML, false, BASE_DIR, "web.yaml");
  }

  /** A validated form rendered: the share the template takes. */
  @Benchmark
  public String renderOnly() throws ConfigException {
    return renderer.render(parsed);
  }
}
