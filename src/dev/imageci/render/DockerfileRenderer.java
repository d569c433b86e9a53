package dev.imageci.render;

import dev.imageci.config.Config;
import dev.imageci.config.ConfigException;
import dev.imageci.config.Problem;
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

  /** The largest Dockerfile rendered, in bytes. */
  public static final int MAX_DOCKERFILE_BYTES = DockerfileLimits.MAX_DOCKERFILE_BYTES;

  /** The longest line, in bytes with its newline: the builder's line scanner stops at 64 KiB. */
  public static final int MAX_LINE_BYTES = DockerfileLimits.MAX_LINE_BYTES;

  /** The source named in the problems of a config refused for its rendered size. */
  public static final String SOURCE = "rendered Dockerfile";

  /** The first line of every Dockerfile: fixed text, so nothing a user typed precedes FROM. */
  static final String HEADER =
      "# Rendered by imageci from an image form. Change the form, not this file.";

  private static final String TEMPLATE = "Dockerfile.ftl";
  private static final String LABEL = "LABEL";
  private final Template template = Shared.TEMPLATE;

  /**
   * The template, parsed once per JVM on first use: parsing it took milliseconds of every build in
   * a resident process, and a parsed FreeMarker template may be used by many threads at once.
   */
  private static final class Shared {
    static final Template TEMPLATE = load();
  }

  private static Template load() {
    Configuration freemarker = new Configuration(Configuration.VERSION_2_3_34);
    freemarker.setClassForTemplateLoading(DockerfileRenderer.class, "/dev/imageci/render");
    freemarker.setDefaultEncoding("UTF-8");
    freemarker.setLocale(Locale.ROOT);
    freemarker.setTemplateExceptionHandler(TemplateExceptionHandler.RETHROW_HANDLER);
    freemarker.setLogTemplateExceptions(false);
    freemarker.setWrapUncheckedExceptions(true);
    freemarker.setFallbackOnNullLoopVariable(false);
    try {
      return freemarker.getTemplate(TEMPLATE);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot load the Dockerfile template " + TEMPLATE, e);
    }
  }

  /** The name the rootfs archive has in the build context, as the ADD line refers to it. */
  public static String rootfsContextName(Rootfs rootfs) {
    String source = rootfs.isRemote() ? rootfs.url().getPath() : rootfs.path().toString();
    String name = source == null ? "" : source.toLowerCase(Locale.ROOT);
    for (String extension : List.of(".tar.gz", ".tgz", ".tar.bz2", ".tar.xz", ".tar.zst")) {
      if (name.endsWith(extension)) {
        return "rootfs" + (extension.equals(".tgz") ? ".tar.gz" : extension);
      }
    }
    return "rootfs.tar";
  }

  /**
   * {@code dockerfile} with {@code labels} set at its end, in their order: what the builder does
   * with labels given at build time, written into the file so that they may be known only once the
   * rest of the context has gone out. They join the form's labels on the last line when the
   * rendered file ends with them and the line stays within the builder's limit, because every
   * instruction is a step the builder runs, a container created and committed; otherwise they are a
   * {@code LABEL} line of their own. A later value for a key wins, as on separate lines. Unchanged
   * when {@code labels} is empty.
   *
   * @param labels plain keys ({@code [a-z0-9.-]}) to values of printable ASCII
   * @throws IllegalArgumentException for a key or value that is not
   */
  public static String withLabels(String dockerfile, Map<String, String> labels) {
    if (labels.isEmpty()) {
      return dockerfile;
    }
    StringBuilder pairs = new StringBuilder();
    for (Map.Entry<String, String> label : labels.entrySet()) {
      String key = label.getKey();
      String value = label.getValue();
      if (!key.matches("[a-z0-9][a-z0-9.-]*")
          || !value.chars().allMatch(c -> c >= 0x20 && c < 0x7f)) {
        throw new IllegalArgumentException("not a plain label: " + key);
      }
      pairs.append(' ').append(DockerfileSyntax.keyValue(key, value));
    }
    if (!dockerfile.endsWith("\n")) {
      return dockerfile + (dockerfile.isEmpty() ? "" : "\n") + LABEL + pairs + "\n";
    }
    int lastLine = dockerfile.lastIndexOf('\n', dockerfile.length() - 2) + 1;
    // The form's values may hold any character, so their line is measured in UTF-8 bytes.
    boolean joins =
        dockerfile.startsWith(LABEL + " ", lastLine)
            && DockerfileLimits.utf8Length(dockerfile.substring(lastLine)) + pairs.length()
                <= MAX_LINE_BYTES;
    return joins
        ? dockerfile.substring(0, dockerfile.length() - 1) + pairs + "\n"
        : dockerfile + LABEL + pairs + "\n";
  }

  /**
   * Renders {@code config}. A config whose Dockerfile would break the builder's limits (a line of
   * {@value #MAX_LINE_BYTES} bytes or more, or more than {@value #MAX_DOCKERFILE_BYTES} bytes in
   * all) is refused with a problem naming the field that made it large; its source is {@value
   * #SOURCE}, so callers that know the config file may report it under that name instead.
   */
  public String render(Config config) throws ConfigException {
    List<DockerfileLimits.Line> labels = labelLines(config.labels());
    Map<String, Object> model = model(config, labels);
    List<DockerfileLimits.Line> lines = lines(config, model, labels);
    List<Problem> problems = DockerfileLimits.check(lines);
    if (!problems.isEmpty()) {
      throw new ConfigException(SOURCE, problems);
    }
    // Sized for the whole Dockerfile, so that writing it never regrows the buffer.
    StringWriter out = new StringWriter(DockerfileLimits.chars(lines));
    try {
      template.process(model, out);
    } catch (TemplateException | IOException e) {
      throw new IllegalStateException("the Dockerfile template failed: " + e.getMessage(), e);
    }
    return out.toString();
  }

  private static Map<String, Object> model(Config config, List<DockerfileLimits.Line> labels) {
    Map<String, Object> model = new LinkedHashMap<>();
    model.put("header", HEADER);
    model.put("from", config.from().toString());
    model.put(
        "remarks",
        config.remarks() == null ? List.of() : DockerfileSyntax.comment(config.remarks()));
    model.put("env", keyValues(config.env()));
    model.put("run", runs(config.run()));
    model.put("rootfs", config.rootfs() == null ? "" : rootfsContextName(config.rootfs()));
    model.put("workdir", config.workdir() == null ? "" : DockerfileSyntax.word(config.workdir()));
    model.put("runAfterRootfs", runs(config.runAfterRootfs()));
    model.put("user", config.user() == null ? "" : DockerfileSyntax.word(config.user()));
    model.put("expose", config.expose());
    model.put("volumes", config.volumes().isEmpty() ? "" : volumes(config.volumes()));
    model.put("labels", labels.stream().map(l -> l.text().substring(LABEL.length() + 1)).toList());
    // Limitation: an empty entrypoint cannot clear the base image's; the form has no "empty" value.
    model.put(
        "entrypoint",
        config.entrypoint().isEmpty() ? "" : DockerfileSyntax.execForm(config.entrypoint()));
    model.put("cmd", config.cmd().isEmpty() ? "" : DockerfileSyntax.execForm(config.cmd()));
    return model;
  }

  // The lines the template writes, each with the field it comes from, to measure before writing.
  @SuppressWarnings("unchecked")
  private static List<DockerfileLimits.Line> lines(
      Config config, Map<String, Object> model, List<DockerfileLimits.Line> labels) {
    List<DockerfileLimits.Line> lines = new ArrayList<>();
    lines.add(new DockerfileLimits.Line("(header)", HEADER));
    lines.add(new DockerfileLimits.Line("from", "FROM " + model.get("from")));
    indexed(lines, "remarks", "", (List<String>) model.get("remarks"), false);
    List<String> env = (List<String>) model.get("env");
    List<String> envKeys = List.copyOf(config.env().keySet());
    for (int i = 0; i < env.size(); i++) {
      lines.add(new DockerfileLimits.Line("env." + envKeys.get(i), "ENV " + env.get(i)));
    }
    indexed(lines, "run", "RUN ", (List<String>) model.get("run"), true);
    single(lines, "rootfs", "ADD ", model.get("rootfs") + " /", config.rootfs() != null);
    single(lines, "workdir", "WORKDIR ", model.get("workdir"), config.workdir() != null);
    indexed(lines, "runAfterRootfs", "RUN ", (List<String>) model.get("runAfterRootfs"), true);
    single(lines, "user", "USER ", model.get("user"), config.user() != null);
    indexed(lines, "expose", "EXPOSE ", config.expose(), true);
    single(lines, "volumes", "VOLUME ", model.get("volumes"), !config.volumes().isEmpty());
    single(
        lines,
        "entrypoint",
        "ENTRYPOINT ",
        model.get("entrypoint"),
        !config.entrypoint().isEmpty());
    single(lines, "cmd", "CMD ", model.get("cmd"), !config.cmd().isEmpty());
    lines.addAll(labels);
    return lines;
  }

  /**
   * The form's labels as the fewest {@code LABEL} lines that keep within the builder's line limit:
   * one line in all but extreme forms, because every line is a step of the build. A line holding a
   * single label names that label's field, so a value too long for any line is its problem.
   */
  private static List<DockerfileLimits.Line> labelLines(Map<String, String> labels) {
    List<DockerfileLimits.Line> lines = new ArrayList<>();
    StringBuilder line = new StringBuilder();
    int lineBytes = 0;
    String onlyKey = null;
    for (Map.Entry<String, String> label : labels.entrySet()) {
      String pair = DockerfileSyntax.keyValue(label.getKey(), label.getValue());
      int pairBytes = DockerfileLimits.utf8Length(pair) + 1; // with the space before it
      if (line.length() > 0 && lineBytes + pairBytes > MAX_LINE_BYTES) {
        lines.add(labelLine(line, onlyKey));
        line.setLength(0);
      }
      if (line.length() == 0) {
        line.append(LABEL);
        lineBytes = LABEL.length() + 1; // with its newline
        onlyKey = label.getKey();
      } else {
        onlyKey = null;
      }
      line.append(' ').append(pair);
      lineBytes += pairBytes;
    }
    if (line.length() > 0) {
      lines.add(labelLine(line, onlyKey));
    }
    return lines;
  }

  private static DockerfileLimits.Line labelLine(CharSequence text, String onlyKey) {
    return new DockerfileLimits.Line(
        onlyKey == null ? "labels" : "labels." + onlyKey, text.toString());
  }

  private static void indexed(
      List<DockerfileLimits.Line> lines,
      String field,
      String keyword,
      List<String> arguments,
      boolean index) {
    for (int i = 0; i < arguments.size(); i++) {
      lines.add(
          new DockerfileLimits.Line(
              index ? field + "[" + i + "]" : field, keyword + arguments.get(i)));
    }
  }

  private static void single(
      List<DockerfileLimits.Line> lines,
      String field,
      String keyword,
      Object argument,
      boolean present) {
    if (present) {
      lines.add(new DockerfileLimits.Line(field, keyword + argument));
    }
  }

  private static List<String> runs(List<String> commands) {
    List<String> arguments = new ArrayList<>(commands.size());
    for (String command : commands) {
      arguments.add(DockerfileSyntax.run(command));
    }
    return arguments;
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
