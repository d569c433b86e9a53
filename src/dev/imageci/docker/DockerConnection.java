package dev.imageci.docker;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.model.AuthConfig;
import com.github.dockerjava.api.model.AuthConfigurations;
import com.github.dockerjava.core.DefaultDockerClientConfig;
import com.github.dockerjava.core.DockerClientConfig;
import com.github.dockerjava.core.DockerClientImpl;
import com.github.dockerjava.core.RemoteApiVersion;
import com.github.dockerjava.core.SSLConfig;
import com.github.dockerjava.httpclient5.ApacheDockerHttpClient;
import com.github.dockerjava.transport.DockerHttpClient;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * A connection to the Docker daemon configured the way the docker CLI is: {@code DOCKER_HOST},
 * {@code DOCKER_TLS_VERIFY}, {@code DOCKER_CERT_PATH} and {@code DOCKER_CONFIG}.
 *
 * <p>There is a connect timeout but no response timeout: a build may print nothing for an hour. The
 * wall-clock {@code --timeout} bounds it instead.
 */
public final class DockerConnection implements AutoCloseable {

  private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(30);

  private static final List<String> DOCKER_VARIABLES =
      List.of(
          DefaultDockerClientConfig.DOCKER_HOST,
          DefaultDockerClientConfig.DOCKER_CONTEXT,
          DefaultDockerClientConfig.DOCKER_TLS_VERIFY,
          DefaultDockerClientConfig.DOCKER_CERT_PATH,
          DefaultDockerClientConfig.DOCKER_CONFIG,
          DefaultDockerClientConfig.API_VERSION);

  private final DockerClient client;
  private final String host;

  private DockerConnection(DockerClient client, String host) {
    this.client = client;
    this.host = host;
  }

  /** Connects from this process's environment; fails if the daemon does not answer a ping. */
  public static DockerConnection fromEnvironment() throws DaemonUnavailableException {
    return fromEnvironment(System.getenv());
  }

  /**
   * Connects as the docker CLI would with {@code env} as its environment; fails if the daemon does
   * not answer a ping.
   */
  public static DockerConnection fromEnvironment(Map<String, String> env)
      throws DaemonUnavailableException {
    return connect(env, null);
  }

  /** Connects to {@code dockerHost} (such as {@code tcp://127.0.0.1:2375}), TLS settings aside. */
  public static DockerConnection to(String dockerHost) throws DaemonUnavailableException {
    return connect(System.getenv(), dockerHost);
  }

  private static DockerConnection connect(Map<String, String> env, String dockerHost)
      throws DaemonUnavailableException {
    DockerClientConfig config;
    try {
      var builder = configBuilder(env);
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
            DockerClientImpl.getInstance(new SharedMapper(config), http),
            config.getDockerHost().toString());
    connection.ping();
    return connection;
  }

  /**
   * docker-java's settings from {@code env} instead of from this process's: the same variables its
   * default builder reads, given to it as properties, and the config directory it would default to.
   */
  static DefaultDockerClientConfig.Builder configBuilder(Map<String, String> env) {
    Properties settings = new Properties();
    for (String name : DOCKER_VARIABLES) {
      String value = env.get(name);
      if (value != null && !value.isBlank()) {
        settings.setProperty(name, value);
      }
    }
    if (!settings.containsKey(DefaultDockerClientConfig.DOCKER_CONFIG)) {
      // docker-java's own default, which is not $HOME but the JVM's idea of it.
      settings.setProperty(
          DefaultDockerClientConfig.DOCKER_CONFIG, System.getProperty("user.home") + "/.docker");
    }
    // An absent DOCKER_HOST stays unset, so build() reads the current context or the default.
    return new DefaultDockerClientConfig.Builder().withProperties(settings);
  }

  /**
   * docker-java's settings with one JSON mapper for every client in the JVM. Its default gives each
   * client a copy of its own, whose caches start empty: in a resident process, every build paid
   * again for looking into the classes of the daemon's answers, some 100 ms of CPU that the
   * daemon's build steps wanted. A configured mapper is safe to share between threads.
   */
  private record SharedMapper(DockerClientConfig settings) implements DockerClientConfig {
    private static final ObjectMapper MAPPER = DockerClientConfig.getDefaultObjectMapper();

    @Override
    public ObjectMapper getObjectMapper() {
      return MAPPER;
    }

    @Override
    public URI getDockerHost() {
      return settings.getDockerHost();
    }

    @Override
    public RemoteApiVersion getApiVersion() {
      return settings.getApiVersion();
    }

    @Override
    public String getRegistryUsername() {
      return settings.getRegistryUsername();
    }

    @Override
    public String getRegistryPassword() {
      return settings.getRegistryPassword();
    }

    @Override
    public String getRegistryEmail() {
      return settings.getRegistryEmail();
    }

    @Override
    public String getRegistryUrl() {
      return settings.getRegistryUrl();
    }

    @Override
    public AuthConfig effectiveAuthConfig(String imageName) {
      return settings.effectiveAuthConfig(imageName);
    }

    @Override
    public AuthConfigurations getAuthConfigurations() {
      return settings.getAuthConfigurations();
    }

    @Override
    public SSLConfig getSSLConfig() {
      return settings.getSSLConfig();
    }
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
