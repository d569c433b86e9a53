package dev.imageci.docker;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.core.DefaultDockerClientConfig;
import com.github.dockerjava.core.DockerClientConfig;
import com.github.dockerjava.core.DockerClientImpl;
import com.github.dockerjava.httpclient5.ApacheDockerHttpClient;
import com.github.dockerjava.transport.DockerHttpClient;
import java.io.IOException;
import java.time.Duration;

/**
 * A connection to the Docker daemon configured the way the docker CLI is: {@code DOCKER_HOST},
 * {@code DOCKER_TLS_VERIFY}, {@code DOCKER_CERT_PATH} and {@code DOCKER_CONFIG}.
 *
 * <p>There is a connect timeout but no response timeout: a build may print nothing for an hour. The
 * wall-clock {@code --timeout} bounds it instead.
 */
public final class DockerConnection implements AutoCloseable {

  private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(30);

  private final DockerClient client;
  private final String host;

  private DockerConnection(DockerClient client, String host) {
    this.client = client;
    this.host = host;
  }

  /** Connects from the environment; fails if the daemon does not answer a ping. */
  public static DockerConnection fromEnvironment() throws DaemonUnavailableException {
    return connect(null);
  }

  /** Connects to {@code dockerHost} (such as {@code tcp://127.0.0.1:2375}), TLS settings aside. */
  public static DockerConnection to(String dockerHost) throws DaemonUnavailableException {
    return connect(dockerHost);
  }

  private static DockerConnection connect(String dockerHost) throws DaemonUnavailableException {
    DockerClientConfig config;
    try {
      var builder = DefaultDockerClientConfig.createDefaultConfigBuilder();
      if (dockerHost != null) {
        builder.withDockerHost(dockerHost).withDockerTlsVerify(false);
      }
      config = builder.build();
    } catch (RuntimeException e) {
      throw new DaemonUnavailableException(
          "the Docker settings (DOCKER_HOST, DOCKER_TLS_VERIFY, DOCKER_CERT_PATH) are not usable: "
              + e.getMessage(),
          e);
    }
    DockerHttpClient http =
        StreamedBodyClient.wrap(
            new ApacheDockerHttpClient.Builder()
                .dockerHost(config.getDockerHost())
                .sslConfig(config.getSSLConfig())
                .maxConnections(20)
                .connectionTimeout(CONNECT_TIMEOUT)
                .build(),
            config.getDockerHost(),
            config.getSSLConfig(),
            CONNECT_TIMEOUT);
    DockerConnection connection =
        new DockerConnection(
            DockerClientImpl.getInstance(config, http), config.getDockerHost().toString());
    connection.ping();
    return connection;
  }

  /** Checks that the daemon answers. */
  public void ping() throws DaemonUnavailableException {
    try {
      client.pingCmd().exec();
    } catch (RuntimeException e) {
      throw new DaemonUnavailableException(
          "the Docker daemon at " + host + " is not answering: " + DockerErrors.message(e), e);
    }
  }

  /** Whether the daemon answers a ping now. */
  public boolean isAlive() {
    try {
      client.pingCmd().exec();
      return true;
    } catch (RuntimeException e) {
      return false;
    }
  }

  public DockerClient client() {
    return client;
  }

  /** The daemon's address, for messages. */
  public String host() {
    return host;
  }

  @Override
  public void close() throws IOException {
    client.close();
  }
}
