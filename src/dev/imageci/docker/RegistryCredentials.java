package dev.imageci.docker;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds the credential for a registry the way the docker CLI does, plus the variables a Jenkins
 * {@code withCredentials} block sets. In order: {@code IMAGECI_REGISTRY_USER} and {@code
 * IMAGECI_REGISTRY_PASSWORD} (for the image's own registry only), then the Docker config file
 * ({@code $DOCKER_CONFIG/config.json}, default {@code ~/.docker/config.json}): a {@code
 * credHelpers} entry for the registry, an {@code auths} entry, then the {@code credsStore}.
 *
 * <p>File format: https://docs.docker.com/reference/cli/docker/login/#credential-stores
 */
public final class RegistryCredentials {

  public static final String USER_VARIABLE = "IMAGECI_REGISTRY_USER";
  public static final String PASSWORD_VARIABLE = "IMAGECI_REGISTRY_PASSWORD";

  private static final Logger LOG = LoggerFactory.getLogger(RegistryCredentials.class);
  private static final String DOCKER_HUB = "docker.io";
  private static final String DOCKER_HUB_KEY = "https://index.docker.io/v1/";
  private static final long HELPER_TIMEOUT_SECONDS = 30;

  private final Map<String, String> env;
  private final String imageRegistry;

  /**
   * @param env the process environment (PATH, HOME, DOCKER_CONFIG and the IMAGECI_ variables)
   * @param imageRegistry the registry the built image goes to; the environment variables apply to
   *     it alone
   */
  public RegistryCredentials(Map<String, String> env, String imageRegistry) {
    this.env = Map.copyOf(env);
    this.imageRegistry = normalize(imageRegistry);
  }

  /** The credential for {@code registry}, or empty when none is configured (anonymous). */
  public Optional<RegistryCredential> find(String registry) throws CredentialException {
    String host = normalize(registry);
    Optional<RegistryCredential> fromEnv = fromEnvironment(host);
    if (fromEnv.isPresent()) {
      return fromEnv;
    }
    Optional<RegistryCredential> fromFile = fromDockerConfig(host);
    if (fromFile.isEmpty()) {
      LOG.debug("no credential for {}; going anonymous", host);
    }
    return fromFile;
  }

  /** Like {@link #find}, and logs where the credential came from (never its value). */
  public Optional<RegistryCredential> findAndLog(String registry) throws CredentialException {
    Optional<RegistryCredential> found = find(registry);
    found.ifPresentOrElse(
        c -> LOG.info("Using the {}", c),
        () -> LOG.info("No credential for {}; trying anonymously", normalize(registry)));
    return found;
  }

  private Optional<RegistryCredential> fromEnvironment(String host) throws CredentialException {
    String user = env.get(USER_VARIABLE);
    String password = env.get(PASSWORD_VARIABLE);
    boolean hasUser = user != null && !user.isEmpty();
    boolean hasPassword = password != null && !password.isEmpty();
    if (hasUser != hasPassword) {
      throw new CredentialException(
          (hasUser ? PASSWORD_VARIABLE : USER_VARIABLE)
              + " is not set but "
              + (hasUser ? USER_VARIABLE : PASSWORD_VARIABLE)
              + " is: set both, or neither");
    }
    if (!hasUser || !host.equals(imageRegistry)) {
      return Optional.empty();
    }
    return Optional.of(
        new RegistryCredential(
            host, user, password, "environment " + USER_VARIABLE + "/" + PASSWORD_VARIABLE));
  }

  private Optional<RegistryCredential> fromDockerConfig(String host) throws CredentialException {
    Path file = configFile();
    if (!Files.isRegularFile(file)) {
      return Optional.empty();
    }
    JsonNode root;
    try {
      root = new ObjectMapper().readTree(file.toFile());
    } catch (IOException e) {
      throw new CredentialException(
          "cannot read the Docker config " + file + ": " + e.getMessage(), e);
    }
    String helper = entryFor(root.path("credHelpers"), host).map(JsonNode::asText).orElse(null);
    if (helper != null && !helper.isEmpty()) {
      return fromHelper(helper, host, "credHelpers");
    }
    Optional<JsonNode> auth = entryFor(root.path("auths"), host);
    if (auth.isPresent()) {
      Optional<RegistryCredential> inline = fromAuthEntry(auth.get(), host, file);
      if (inline.isPresent()) {
        return inline;
      }
    }
    String store = root.path("credsStore").asText("");
    if (!store.isEmpty()) {
      return fromHelper(store, host, "credsStore");
    }
    return Optional.empty();
  }

  private Path configFile() {
    String dir = env.get("DOCKER_CONFIG");
    if (dir != null && !dir.isEmpty()) {
      return Path.of(dir, "config.json");
    }
    String home = env.getOrDefault("HOME", System.getProperty("user.home"));
    return Path.of(home, ".docker", "config.json");
  }

  private static Optional<RegistryCredential> fromAuthEntry(JsonNode entry, String host, Path file)
      throws CredentialException {
    String source = "Docker config " + file + " (auths)";
    String encoded = entry.path("auth").asText("");
    if (!encoded.isEmpty()) {
      String decoded;
      try {
        decoded = new String(Base64.getDecoder().decode(encoded.trim()), StandardCharsets.UTF_8);
      } catch (IllegalArgumentException e) {
        throw new CredentialException(source + ": the auth entry for " + host + " is not base64");
      }
      int colon = decoded.indexOf(':');
      if (colon < 0) {
        throw new CredentialException(
            source + ": the auth entry for " + host + " is not base64 of user:password");
      }
      return Optional.of(
          new RegistryCredential(
              host, decoded.substring(0, colon), decoded.substring(colon + 1), source));
    }
    String user = entry.path("username").asText("");
    String password = entry.path("password").asText("");
    if (!user.isEmpty() && !password.isEmpty()) {
      return Optional.of(new RegistryCredential(host, user, password, source));
    }
    String token = entry.path("identitytoken").asText("");
    if (!token.isEmpty()) {
      return Optional.of(
          new RegistryCredential(host, RegistryCredential.TOKEN_USER, token, source));
    }
    return Optional.empty();
  }

  // Protocol: https://github.com/docker/docker-credential-helpers#development
  private Optional<RegistryCredential> fromHelper(String name, String host, String key)
      throws CredentialException {
    String program = "docker-credential-" + name;
    String source = "credential helper " + program + " (" + key + ")";
    Path executable = onPath(program);
    if (executable == null) {
      throw new CredentialException(
          "the Docker config names " + source + " for " + host + ", but it is not on the PATH");
    }
    String serverUrl = host.equals(DOCKER_HUB) ? DOCKER_HUB_KEY : host;
    try {
      ProcessBuilder builder = new ProcessBuilder(executable.toString(), "get");
      builder.environment().clear();
      builder.environment().putAll(env);
      builder.redirectError(ProcessBuilder.Redirect.DISCARD);
      Process process = builder.start();
      try (OutputStream in = process.getOutputStream()) {
        in.write(serverUrl.getBytes(StandardCharsets.UTF_8));
      }
      byte[] out = process.getInputStream().readAllBytes();
      if (!process.waitFor(HELPER_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new CredentialException(source + " did not answer within 30 s");
      }
      if (process.exitValue() != 0) {
        // The helper says "credentials not found in native keychain" on stdout; that is no error.
        if (new String(out, StandardCharsets.UTF_8)
            .toLowerCase(Locale.ROOT)
            .contains("not found")) {
          return Optional.empty();
        }
        throw new CredentialException(
            source + " failed for " + host + " with exit status " + process.exitValue());
      }
      JsonNode answer = new ObjectMapper().readTree(out);
      String user = answer.path("Username").asText("");
      String secret = answer.path("Secret").asText("");
      if (secret.isEmpty()) {
        return Optional.empty();
      }
      return Optional.of(new RegistryCredential(host, user, secret, source));
    } catch (IOException e) {
      throw new CredentialException(source + " could not be run for " + host + ": " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CredentialException(source + " was interrupted", e);
    }
  }

  private Path onPath(String program) {
    String path = env.getOrDefault("PATH", "");
    for (String dir : path.split(File.pathSeparator)) {
      if (dir.isEmpty()) {
        continue;
      }
      Path candidate = Path.of(dir, program);
      if (Files.isExecutable(candidate)) {
        return candidate;
      }
    }
    return null;
  }

  private static Optional<JsonNode> entryFor(JsonNode entries, String host) {
    if (!entries.isObject()) {
      return Optional.empty();
    }
    for (var field : (Iterable<Map.Entry<String, JsonNode>>) entries::fields) {
      if (normalize(field.getKey()).equals(host)) {
        return Optional.of(field.getValue());
      }
    }
    return Optional.empty();
  }

  /** A registry key as Docker writes it, reduced to host[:port]; Docker Hub's aliases unified. */
  static String normalize(String registry) {
    String host = registry.trim();
    int scheme = host.indexOf("://");
    if (scheme >= 0) {
      host = host.substring(scheme + 3);
    }
    int slash = host.indexOf('/');
    if (slash >= 0) {
      host = host.substring(0, slash);
    }
    host = host.toLowerCase(Locale.ROOT);
    if (host.equals("index.docker.io") || host.equals("registry-1.docker.io")) {
      return DOCKER_HUB;
    }
    return host;
  }
}
