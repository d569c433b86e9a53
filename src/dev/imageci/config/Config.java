package dev.imageci.config;

import dev.imageci.image.ImageName;
import dev.imageci.image.ImageReference;
import dev.imageci.image.Tag;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * A validated image form: everything needed to render a Dockerfile and build the image. Built only
 * by {@link ConfigReader}, so every instance has passed validation. Maps keep the order the user
 * wrote them in; absent optional values are null (scalars) or empty (lists, maps).
 *
 * @param image the repository to build, e.g. {@code r.example.com/team/nginx}
 * @param tags one or more tags; {@link Tag#AUTO} asks for the next number
 * @param from the base image, possibly {@code scratch}
 * @param rootfs the tarball added at {@code /}, or null
 * @param run shell commands run before the rootfs is added
 * @param runAfterRootfs shell commands run after the rootfs is added
 * @param test a smoke test command (exec form) run in the new image before pushing; empty for none
 * @param baseDir the directory of the config file, against which a rootfs path was resolved
 */
public record Config(
    ImageName image,
    List<Tag> tags,
    ImageReference from,
    Rootfs rootfs,
    List<String> run,
    List<String> runAfterRootfs,
    Map<String, String> env,
    String workdir,
    String user,
    List<String> expose,
    Map<String, String> labels,
    List<String> volumes,
    List<String> entrypoint,
    List<String> cmd,
    List<String> test,
    String remarks,
    Path baseDir) {

  public Config {
    tags = List.copyOf(tags);
    run = List.copyOf(run);
    runAfterRootfs = List.copyOf(runAfterRootfs);
    env = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(env));
    expose = List.copyOf(expose);
    labels = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(labels));
    volumes = List.copyOf(volumes);
    entrypoint = List.copyOf(entrypoint);
    cmd = List.copyOf(cmd);
    test = List.copyOf(test);
  }
}
