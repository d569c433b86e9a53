package dev.imageci.docker;

/**
 * What the daemon needs for one classic-builder build besides the context (which carries the
 * Dockerfile, build labels included).
 *
 * @param tag the (temporary) reference the image is built under
 * @param baseCredential the credential for the base image's registry, or null
 */
public record BuildSpec(
    String tag, boolean noCache, boolean pull, RegistryCredential baseCredential) {}
