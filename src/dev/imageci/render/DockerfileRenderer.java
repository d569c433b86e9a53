package dev.imageci.render;

import dev.imageci.config.Config;
import dev.imageci.config.Rootfs;
import freemarker.template.Configuration;
import freemarker.template.Template;
import freemarker.template.TemplateException;
import freemarker.template.TemplateExceptionHandler;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Renders a validated config into a Dockerfile through the FreeMarker template {@code
 * Dockerfile.ftl}. All escaping happens here, through {@link DockerfileSyntax}; the template only
 * lays the finished arguments out. The same config always renders to the same bytes.
 */
public final class DockerfileRenderer {

  /** The largest Dockerfile rendered; the builder reads each line into a 64 KiB buffer. */
  public static final int MAX_DOCKERFILE_BYTES = 512 * 1024;

  private static final String TEMPLATE = "Dockerfile.ftl";
  private final Template template;

  public DockerfileRenderer() {
    Configuration freemarker = new Configuration(Configuration.VERSION_2_3_34);
    freemarker.setClassForTemplateLoading(DockerfileRenderer.class, "/dev/imageci/render");
    freemarker.setDefaultEncoding("UTF-8");
    freemarker.setLocale(Locale.ROOT);
    freemarker.setTemplateExceptionHandler(TemplateExceptionHandler.RETHROW_HANDLER);
    freemarker.setLogTemplateExceptions(false);
    freemarker.setWrapUncheckedExceptions(true);
    freemarker.setFallbackOnNullLoopVariable(false);
    try {
      template = freemarker.getTemplate(TEMPLATE);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot load the Dockerfile template " + TEMPLATE, e);
    }
  }

  /** The name the rootfs archive has in the build context, as the ADD line refers to it. */
  public static String rootfsContextName(Rootfs rootfs) {
    String name = rootfs.describe().toLowerCase(Locale.ROOT);
    for (String extension : List.of(".tar.gz", ".tgz", ".tar.bz2", ".tar.xz", ".tar.zst")) {
      if (name.endsWith(extension)) {
        return "rootfs" + (extension.equals(".tgz") ? ".tar.gz" : extension);
      }
    }
    return "rootfs.tar";
  }

  public String render(Config config) {
    StringWriter out = new StringWriter();
    try {
      template.process(model(config), out);
    } catch (TemplateException | IOException e) {
      throw new IllegalStateException("the Dockerfile template failed: " + e.getMessage(), e);
    }
    return out.toString();
  }

  private static Map<String, Object> model(Config config) {
    Map<String, Object> model = new LinkedHashMap<>();
    model.put("from", config.from().toString());
    model.put(
        "remarks",
        config.remarks() == null ? List.of() : DockerfileSyntax.comment(config.remarks()));
    model.put("env", keyValues(config.env()));
    model.put("run", config.run().stream().map(DockerfileSyntax::run).toList());
    model.put("rootfs", config.rootfs() == null ? "" : rootfsContextName(config.rootfs()));
    model.put("workdir", config.workdir() == null ? "" : DockerfileSyntax.word(config.workdir()));
    model.put(
        "runAfterRootfs", config.runAfterRootfs().stream().map(DockerfileSyntax::run).toList());
    model.put("user", config.user() == null ? "" : config.user());
    model.put("expose", config.expose());
    model.put("volumes", config.volumes().isEmpty() ? "" : volumes(config.volumes()));
    model.put("labels", keyValues(config.labels()));
    model.put(
        "entrypoint",
        config.entrypoint().isEmpty() ? "" : DockerfileSyntax.execForm(config.entrypoint()));
    model.put("cmd", config.cmd().isEmpty() ? "" : DockerfileSyntax.execForm(config.cmd()));
    return model;
  }

  private static List<String> keyValues(Map<String, String> values) {
    List<String> lines = new ArrayList<>();
    values.forEach((key, value) -> lines.add(DockerfileSyntax.keyValue(key, value)));
    return lines;
  }

  // VOLUME expands variables inside its JSON form too, so each path is a word first.
  private static String volumes(List<String> paths) {
    return DockerfileSyntax.execForm(paths.stream().map(DockerfileSyntax::word).toList());
  }
}
