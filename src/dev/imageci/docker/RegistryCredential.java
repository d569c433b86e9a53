package dev.imageci.docker;

/**
 * A user name and secret for one registry, with where it was found. {@link #toString()} never shows
 * the secret, so a credential can be logged by accident without leaking.
 *
 * @param registry the registry host it applies to, e.g. {@code 127.0.0.1:5000}
 * @param source where it came from, e.g. {@code environment IMAGECI_REGISTRY_USER/PASSWORD}
 */
public record RegistryCredential(String registry, String username, String secret, String source) {

  /** The user name a credential helper returns when the secret is an identity token. */
  static final String TOKEN_USER = "<token>";

  public boolean isIdentityToken() {
    return TOKEN_USER.equals(username);
  }

  @Override
  public String toString() {
    return "credential for " + registry + " (user " + username + ", from " + source + ")";
  }
}
