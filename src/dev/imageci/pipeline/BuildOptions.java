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
    boolean force) {}
