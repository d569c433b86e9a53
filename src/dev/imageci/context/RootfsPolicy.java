package dev.imageci.context;

import java.util.Map;

/**
 * What an administrator allows for rootfs archives. Defaults are safe for hostile forms.
 *
 * @param allowPrivateHosts download from loopback, private and link-local addresses too
 */
public record RootfsPolicy(boolean allowPrivateHosts) {

  public static RootfsPolicy defaults() {
    return new RootfsPolicy(false);
  }

  /** Reads the policy from {@code IMAGECI_*} environment variables; see the README. */
  public static RootfsPolicy fromEnvironment(Map<String, String> env) {
    return new RootfsPolicy("true".equals(env.get("IMAGECI_ROOTFS_ALLOW_PRIVATE_HOSTS")));
  }
}
