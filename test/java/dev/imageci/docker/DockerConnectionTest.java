package dev.imageci.docker;

import static org.assertj.core.api.Assertions.assertThat;

import com.github.dockerjava.core.DockerClientConfig;
import java.net.URI;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DockerConnectionTest {

  @TempDir Path temp;

  @Test
  void theDaemonIsTheOneTheGivenEnvironmentNamesNotThisProcesss() {
    DockerClientConfig config =
        DockerConnection.configBuilder(
                Map.of(
                    "DOCKER_HOST",
                    "unix:///run/elsewhere/docker.sock",
                    "DOCKER_CONFIG",
                    temp.toString()))
            .build();

    assertThat(config.getDockerHost()).isEqualTo(URI.create("unix:///run/elsewhere/docker.sock"));
  }

  @Test
  void withoutDockerHostItIsTheDefaultSocket() {
    DockerClientConfig config =
        DockerConnection.configBuilder(Map.of("DOCKER_CONFIG", temp.toString())).build();

    assertThat(config.getDockerHost()).isEqualTo(URI.create("unix:///var/run/docker.sock"));
  }

  @Test
  void tlsSettingsComeFromTheGivenEnvironment() {
    DockerClientConfig config =
        DockerConnection.configBuilder(
                Map.of(
                    "DOCKER_HOST",
                    "tcp://127.0.0.1:2376",
                    "DOCKER_TLS_VERIFY",
                    "1",
                    "DOCKER_CERT_PATH",
                    temp.toString(),
                    "DOCKER_CONFIG",
                    temp.toString()))
            .build();

    assertThat(config.getDockerHost()).isEqualTo(URI.create("tcp://127.0.0.1:2376"));
    assertThat(config.getSSLConfig()).as("TLS verified with the given certificates").isNotNull();
  }
}
