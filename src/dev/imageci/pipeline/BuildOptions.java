package dev.imageci.pipeline;

import java.time.Duration;

/**
 * How to run one build, from the command line.
 *
 * @param timeout the wall-clock limit for the whole build, push included
 * @param requestId the caller's id for this build (Jenkins or the service), or null
 * @param user who asked for the build, or null
 * @param force build even when the history knows an identical image (used by the history)
 */
public record BuildOptions(
    boolean push,
    boolean noCache,
    boolean pull,
    boolean removeAfterPush,
    Duration timeout,
    String requestId,
    String user,
    boolean force) {

  /**
   * Whether an earlier identical image may stand in for this build. Only a pushed image can be
   * reused, since the registry is what still has it; deciding needs the rootfs' hash before the
   * build, which otherwise is taken while the rootfs is sent.
   */
  public boolean mayReuse() {
    return push && !force;
  }
}
