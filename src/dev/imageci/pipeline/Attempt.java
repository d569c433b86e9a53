package dev.imageci.pipeline;

import dev.imageci.config.Config;
import java.time.Instant;

/**
 * One try at building a form, as a {@link BuildObserver} sees it when the attempt is recorded.
 *
 * @param configText the form as given (it holds no credentials)
 * @param dockerfile the rendered Dockerfile, or null when rendering failed
 * @param rootfsSha256 the rootfs archive's sha256, or null without a rootfs (or when preparing it
 *     failed), and while it is still to be taken on the way to the daemon: then the size is set,
 *     and the sha256 comes to {@link BuildRecording#rootfsHashed} when it is known
 * @param rootfsSize the rootfs archive's size in bytes, or null
 */
public record Attempt(
    Config config,
    String configText,
    String dockerfile,
    String rootfsSha256,
    Long rootfsSize,
    BuildOptions options,
    Instant startedAt) {}
