package dev.imageci.docker;

import java.util.Map;

/**
 * What the daemon needs for one classic-builder build besides the context.
 *
 * @param tag the (temporary) reference the image is built under
 * @param labels labels added at build time
 * @param baseCredential the credential for the base image's registry, or null
 */
public record BuildSpec(
    String tag,
    boolean noCache,
    boolean pull,
    Map<String, String> labels,
    RegistryCredential baseCredential) {

  public BuildSpec {
    labels = Map.copyOf(labels);
  }
}
