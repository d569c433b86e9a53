package dev.imageci.image;

/**
 * An image repository name such as {@code r.example.com/team/nginx}, without tag or digest.
 *
 * <p>Grammar: https://github.com/distribution/reference/blob/main/reference.go
 */
public record ImageName(String registry, String path) {

  private static final int MAX_LENGTH = 255;

  public ImageName {
    if (registry != null && !ReferenceGrammar.isDomain(registry)) {
      throw new IllegalArgumentException("invalid registry host '" + registry + "'");
    }
    if (path == null || !ReferenceGrammar.isPath(path)) {
      throw new IllegalArgumentException(
          "invalid repository path '" + path + "': lowercase letters, digits and . _ - / only");
    }
  }

  /**
   * Parses a repository name; the first component is a registry when it has a dot, a colon or is
   * localhost.
   */
  public static ImageName parse(String text) {
    if (text == null || text.isEmpty()) {
      throw new IllegalArgumentException("image name is empty");
    }
    if (text.length() > MAX_LENGTH) {
      throw new IllegalArgumentException("image name is longer than " + MAX_LENGTH + " characters");
    }
    int slash = text.indexOf('/');
    if (slash > 0) {
      String first = text.substring(0, slash);
      if (first.contains(".") || first.contains(":") || first.equals("localhost")) {
        return new ImageName(first, text.substring(slash + 1));
      }
    }
    return new ImageName(null, text);
  }

  /** The registry to talk to; Docker Hub when the name has none. */
  public String registryOrDefault() {
    return registry == null ? "docker.io" : registry;
  }

  @Override
  public String toString() {
    return registry == null ? path : registry + "/" + path;
  }
}
