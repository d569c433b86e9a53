package dev.imageci.docker;

import java.util.List;

/**
 * What the daemon needs for one classic-builder build besides the context (which carries the
 * Dockerfile, build labels included).
 *
 * @param tags the references the image is built under (a temporary one, or its real ones), the
 *     first of which is checked to name the image built
 * @param baseCredential the credential for the base image's registry, or null
 */
public record BuildSpec(
    List<String> tags, boolean noCache, boolean pull, RegistryCredential baseCredential) {

  public BuildSpec {
    if (tags.isEmpty()) {
      throw new IllegalArgumentException("a build needs a reference to build under");
    }
    tags = List.copyOf(tags);
  }
}
