package dev.imageci.docker;

import dev.imageci.image.Digest;
import dev.imageci.image.ImageName;
import dev.imageci.image.Tag;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.apache.hc.client5.http.classic.methods.HttpGet;
import org.apache.hc.client5.http.classic.methods.HttpHead;
import org.apache.hc.client5.http.classic.methods.HttpPut;
import org.apache.hc.client5.http.classic.methods.HttpUriRequestBase;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.io.entity.ByteArrayEntity;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Talks to one repository in a registry directly, not through the daemon: reads the digest a tag
 * points at, and gives an existing manifest another tag by putting back its exact bytes, so the new
 * tag names the same digest.
 *
 * <p>Loopback registries ({@code localhost}, {@code 127.*}, {@code [::1]}) are reached over plain
 * HTTP, as Docker does by default; others over HTTPS only. Basic (htpasswd) and token (bearer)
 * authentication both work ({@link RegistryAuth}).
 *
 * <p>API: https://distribution.github.io/distribution/spec/api/#manifest
 */
public final class Registry implements TagDigests {

  private static final Logger LOG = LoggerFactory.getLogger(Registry.class);

  /** Every manifest kind a pushed image or index can have; the registry answers with its own. */
  static final String MANIFEST_TYPES =
      String.join(
          ", ",
          "application/vnd.oci.image.manifest.v1+json",
          "application/vnd.oci.image.index.v1+json",
          "application/vnd.docker.distribution.manifest.v2+json",
          "application/vnd.docker.distribution.manifest.list.v2+json");

  private static final String DIGEST_HEADER = "Docker-Content-Digest";

  private final ImageName repository;
  private final String base;
  private final RegistryAuth auth;
  private final String host;
  private final boolean hasCredential;

  public Registry(ImageName repository, Optional<RegistryCredential> credential) {
    this.repository = repository;
    this.host = repository.registryOrDefault();
    this.hasCredential = credential.isPresent();
    String server = host.equals("docker.io") ? "registry-1.docker.io" : host;
    String path =
        host.equals("docker.io") && !repository.path().contains("/")
            ? "library/" + repository.path()
            : repository.path();
    this.base = (isLoopback(host) ? "http://" : "https://") + server + "/v2/" + path;
    this.auth = new RegistryAuth(path, credential.orElse(null));
  }

  // Limitation: no plain-HTTP registries besides loopback, because there is no setting for them.
  static boolean isLoopback(String host) {
    String name = host.replaceFirst(":[0-9]+$", "");
    return name.equals("localhost") || name.startsWith("127.") || name.equals("[::1]");
  }

  /** The digest {@code tag} points at now, or empty when the repository has no such tag. */
  @Override
  public Optional<Digest> digestOf(Tag tag) throws RegistryException {
    return digestOf(tag.value(), repository + ":" + tag);
  }

  /** Whether the repository still holds the manifest {@code digest}. */
  public boolean hasManifest(Digest digest) throws RegistryException {
    return digestOf(digest.value(), repository + "@" + digest).isPresent();
  }

  /**
   * Points {@code tag} at the manifest {@code digest} without pulling or pushing layers: the
   * manifest's bytes are read and put back under the tag unchanged. Returns the digest the registry
   * gives the tag, which is {@code digest} itself.
   */
  public Digest addTag(Digest digest, Tag tag) throws RegistryException {
    String what = "tagging " + repository + "@" + digest + " as " + tag;
    RegistryResponse manifest = send(new HttpGet(uri(digest.value())), what, false);
    requireOk(manifest, what);
    Digest read = Digest.of(manifest.body());
    if (!read.equals(digest)) {
      throw new RegistryException(what + " failed: the registry sent a manifest with " + read);
    }

    HttpPut put = new HttpPut(uri(tag.value()));
    put.setEntity(new ByteArrayEntity(manifest.body(), ContentType.parse(manifest.contentType())));
    RegistryResponse stored = send(put, what, true);
    if (stored.status() != 201 && stored.status() != 200) {
      throw new RegistryException(what + " failed: " + problem(stored));
    }
    LOG.info("Tagged {}@{} as {}", repository, digest, tag);
    return stored.digest().map(Digest::parse).orElse(read);
  }

  private Optional<Digest> digestOf(String reference, String what) throws RegistryException {
    String doing = "reading the manifest of " + what;
    RegistryResponse head = send(new HttpHead(uri(reference)), doing, false);
    if (head.status() == 404) {
      return Optional.empty();
    }
    requireOk(head, doing);
    if (head.digest().isPresent()) {
      return Optional.of(Digest.parse(head.digest().get()));
    }
    // Not every registry names the digest on HEAD; the manifest's own bytes then say it.
    RegistryResponse get = send(new HttpGet(uri(reference)), doing, false);
    requireOk(get, doing);
    return Optional.of(Digest.of(get.body()));
  }

  private RegistryResponse send(HttpUriRequestBase request, String what, boolean push)
      throws RegistryException {
    request.setHeader("Accept", MANIFEST_TYPES);
    try {
      return auth.send(request, push);
    } catch (IOException e) {
      throw new RegistryException(what + " failed: " + e.getMessage(), e);
    }
  }

  private URI uri(String reference) {
    return URI.create(base + "/manifests/" + reference);
  }

  private void requireOk(RegistryResponse response, String what) throws RegistryException {
    if (response.status() != 200) {
      throw new RegistryException(what + " failed: " + problem(response));
    }
  }

  /** The registry's answer, with what a refusal means for the user (HEAD answers have no body). */
  private String problem(RegistryResponse response) {
    String problem = response.problem();
    if (response.status() == 401 || response.status() == 403) {
      return problem
          + (hasCredential
              ? " (the registry refused the credential for " + host + ")"
              : " (no credential for "
                  + host
                  + " in the Docker config or IMAGECI_REGISTRY_USER/IMAGECI_REGISTRY_PASSWORD)");
    }
    return problem;
  }

  static String text(byte[] bytes) {
    return new String(bytes, StandardCharsets.UTF_8);
  }
}
