package dev.imageci.docker;

import com.google.cloud.tools.jib.api.Credential;
import com.google.cloud.tools.jib.api.LogEvent;
import com.google.cloud.tools.jib.event.EventHandlers;
import com.google.cloud.tools.jib.http.FailoverHttpClient;
import com.google.cloud.tools.jib.image.json.ManifestTemplate;
import com.google.cloud.tools.jib.registry.ManifestAndDigest;
import com.google.cloud.tools.jib.registry.RegistryClient;
import dev.imageci.image.Digest;
import dev.imageci.image.ImageName;
import dev.imageci.image.Tag;
import java.io.IOException;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Talks to one repository in a registry directly (not through the daemon), with Jib core's registry
 * client: reads the digest a tag points at, and tags an existing manifest again.
 *
 * <p>Loopback registries ({@code localhost}, {@code 127.*}, {@code [::1]}) are reached over plain
 * HTTP as Docker does by default; others over HTTPS only. Basic (htpasswd) and token authentication
 * both work.
 */
public final class Registry implements TagDigests {

  private static final Logger LOG = LoggerFactory.getLogger(Registry.class);

  private final ImageName repository;
  private final RegistryClient client;
  private final boolean hasCredential;
  private boolean authenticated;

  public Registry(ImageName repository, Optional<RegistryCredential> credential) {
    this.repository = repository;
    String host = repository.registryOrDefault();
    boolean loopback = isLoopback(host);
    EventHandlers events =
        EventHandlers.builder().add(LogEvent.class, e -> LOG.debug("{}", e.getMessage())).build();
    FailoverHttpClient http =
        new FailoverHttpClient(loopback, loopback, e -> LOG.debug("{}", e.getMessage()));
    String server = host.equals("docker.io") ? "registry-1.docker.io" : host;
    String path =
        host.equals("docker.io") && !repository.path().contains("/")
            ? "library/" + repository.path()
            : repository.path();
    RegistryClient.Factory factory = RegistryClient.factory(events, server, path, http);
    credential.ifPresent(c -> factory.setCredential(Credential.from(c.username(), c.secret())));
    factory.setUserAgent("imageci");
    this.client = factory.newRegistryClient();
    this.hasCredential = credential.isPresent();
  }

  // Limitation: no plain-HTTP registries besides loopback, because there is no setting for them.
  static boolean isLoopback(String host) {
    String name = host.replaceFirst(":[0-9]+$", "");
    return name.equals("localhost") || name.startsWith("127.") || name.equals("[::1]");
  }

  /** The digest {@code tag} points at now, or empty when the repository has no such tag. */
  @Override
  public Optional<Digest> digestOf(Tag tag) throws RegistryException {
    authenticate(true);
    try {
      return client.checkManifest(tag.value()).map(found -> toDigest(found));
    } catch (IOException | com.google.cloud.tools.jib.api.RegistryException e) {
      throw failure("reading the manifest of " + repository + ":" + tag, e);
    }
  }

  /** Whether the repository still holds the manifest {@code digest}. */
  public boolean hasManifest(Digest digest) throws RegistryException {
    authenticate(true);
    try {
      return client.checkManifest(digest.value()).isPresent();
    } catch (IOException | com.google.cloud.tools.jib.api.RegistryException e) {
      throw failure("reading the manifest " + repository + "@" + digest, e);
    }
  }

  /**
   * Points {@code tag} at the manifest {@code digest} without rebuilding or pulling layers; returns
   * the digest the tag now has. Reused builds do not use it: they tag through the daemon, which
   * keeps the digest ({@code dev.imageci.pipeline.RegistryHistoryProbe}).
   *
   * <p>Limitation: the new tag's digest may differ from {@code digest} (same config and layers,
   * other JSON bytes) because Jib core re-serializes manifests instead of handing out raw bytes.
   */
  public Digest addTag(Digest digest, Tag tag) throws RegistryException {
    authenticate(false);
    try {
      ManifestAndDigest<ManifestTemplate> manifest = client.pullManifest(digest.value());
      var pushed = client.pushManifest(manifest.getManifest(), tag.value());
      LOG.info("Tagged {}@{} as {}", repository, digest, tag);
      return Digest.parse(pushed.toString());
    } catch (IOException | com.google.cloud.tools.jib.api.RegistryException e) {
      throw failure("tagging " + repository + "@" + digest + " as " + tag, e);
    }
  }

  private Digest toDigest(ManifestAndDigest<ManifestTemplate> found) {
    return Digest.parse(found.getDigest().toString());
  }

  // Token registries answer the bearer handshake; htpasswd ones want basic auth on every call.
  private void authenticate(boolean readOnly) throws RegistryException {
    if (authenticated) {
      return;
    }
    try {
      boolean bearer = readOnly ? client.doPullBearerAuth() : client.doPushBearerAuth();
      if (!bearer && hasCredential) {
        client.configureBasicAuth();
      }
      authenticated = true;
    } catch (IOException | com.google.cloud.tools.jib.api.RegistryException e) {
      throw failure("authenticating to " + repository.registryOrDefault(), e);
    }
  }

  private RegistryException failure(String what, Exception e) {
    return new RegistryException(what + " failed: " + e.getMessage(), e);
  }
}
