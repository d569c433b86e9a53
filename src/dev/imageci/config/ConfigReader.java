package dev.imageci.config;

import com.fasterxml.jackson.databind.JsonNode;
import dev.imageci.image.ImageName;
import dev.imageci.image.ImageReference;
import dev.imageci.image.Tag;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.function.Predicate;

/**
 * Reads an image form from YAML or JSON and validates it, reporting every problem at once.
 *
 * <p>Field rules follow the Dockerfile reference (https://docs.docker.com/reference/dockerfile/)
 * where it has one, and are stricter where a value would otherwise change the Dockerfile's
 * structure.
 */
public final class ConfigReader {

  public static final int MAX_CONFIG_BYTES = 1 << 20;
  public static final int MAX_COMMAND_CHARS = 16 * 1024;
  public static final int MAX_VALUE_CHARS = 8 * 1024;
  public static final int MAX_PATH_CHARS = 1024;
  public static final int MAX_REMARKS_CHARS = 4 * 1024;
  public static final int MAX_ITEMS = 100;

  static final List<String> FIELDS =
      List.of(
          "image",
          "tag",
          "from",
          "rootfs",
          "run",
          "runAfterRootfs",
          "env",
          "workdir",
          "user",
          "expose",
          "labels",
          "volumes",
          "entrypoint",
          "cmd",
          "test",
          "remarks");
  private static final List<String> ROOTFS_FIELDS = List.of("source", "sha256", "allowSetuid");

  /** Labels imageci sets itself at build time; a form may not set them. */
  public static final List<String> RESERVED_LABELS = List.of("org.opencontainers.image.revision");

  private final List<Problem> problems = new ArrayList<>();

  private ConfigReader() {}

  /** Reads and validates the config file at {@code file}; a rootfs path is resolved next to it. */
  public static Config read(Path file) throws ConfigException {
    return read(file, Path.of("").toAbsolutePath());
  }

  /**
   * Reads {@code file}, a relative one from {@code workingDirectory}; messages name it as given.
   */
  public static Config read(Path file, Path workingDirectory) throws ConfigException {
    String source = file.toString();
    Path resolved = workingDirectory.resolve(file);
    byte[] bytes = readBounded(resolved, source);
    boolean json = file.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".json");
    return parse(decode(bytes, source), json, resolved.getParent(), source);
  }

  // Reads at most one byte over the limit, so a pipe or device cannot make us read forever.
  private static byte[] readBounded(Path file, String source) throws ConfigException {
    if (Files.isDirectory(file)) {
      throw refuse(source, "is a directory; expected a YAML or JSON file");
    }
    try (InputStream in = Files.newInputStream(file)) {
      byte[] bytes = in.readNBytes(MAX_CONFIG_BYTES + 1);
      if (bytes.length > MAX_CONFIG_BYTES) {
        throw refuse(source, "is larger than " + MAX_CONFIG_BYTES + " bytes");
      }
      return bytes;
    } catch (NoSuchFileException e) {
      throw refuse(source, "does not exist");
    } catch (AccessDeniedException e) {
      throw refuse(source, "cannot be read: permission denied");
    } catch (IOException e) {
      throw refuse(source, "could not be read: " + e.getMessage());
    }
  }

  /** Validates config text; {@code json} picks the parser, YAML otherwise. */
  public static Config parse(String text, boolean json, Path baseDir, String source)
      throws ConfigException {
    ConfigReader reader = new ConfigReader();
    JsonNode root = SourceTree.parse(text, json, reader.problems);
    Config config = root == null ? null : reader.bind(root, baseDir);
    if (!reader.problems.isEmpty()) {
      throw new ConfigException(source, reader.problems);
    }
    return config;
  }

  private static String decode(byte[] bytes, String source) throws ConfigException {
    try {
      String text =
          StandardCharsets.UTF_8
              .newDecoder()
              .onMalformedInput(CodingErrorAction.REPORT)
              .onUnmappableCharacter(CodingErrorAction.REPORT)
              .decode(ByteBuffer.wrap(bytes))
              .toString();
      // Editors on Windows write a byte order mark; it carries no content.
      return text.startsWith("\uFEFF") ? text.substring(1) : text;
    } catch (CharacterCodingException e) {
      throw refuse(source, "is not UTF-8 text");
    }
  }

  private static ConfigException refuse(String source, String rule) {
    return new ConfigException(source, List.of(new Problem("(config)", rule, null)));
  }

  private Config bind(JsonNode root, Path baseDir) {
    if (!root.isObject()) {
      problem("(config)", "must be a mapping of fields such as image, from and run", null);
      return null;
    }
    refuseUnknown(root, "", FIELDS);
    ImageName image = required(root, "image", this::imageName);
    List<Tag> tags = tags(root.get("tag"));
    ImageReference from = required(root, "from", this::baseImage);
    Rootfs rootfs = rootfs(root.get("rootfs"), baseDir);
    List<String> run = list(root.get("run"), "run", this::command);
    List<String> runAfter = list(root.get("runAfterRootfs"), "runAfterRootfs", this::command);
    Map<String, String> env =
        map(root.get("env"), "env", Names::isEnvName, "a letter or _ then letters, digits or _");
    String workdir = optional(root.get("workdir"), "workdir", this::absolutePath);
    String user = optional(root.get("user"), "user", this::user);
    List<String> expose = list(root.get("expose"), "expose", this::port);
    Map<String, String> labels = labels(root.get("labels"));
    List<String> volumes = list(root.get("volumes"), "volumes", this::volume);
    List<String> entrypoint = list(root.get("entrypoint"), "entrypoint", this::argument);
    List<String> cmd = list(root.get("cmd"), "cmd", this::argument);
    List<String> test = list(root.get("test"), "test", this::argument);
    String remarks = optional(root.get("remarks"), "remarks", this::remarks);
    refuseRepeats("expose", expose);
    refuseRepeats("volumes", volumes);
    if (from != null && from.isScratch()) {
      checkScratch(root, rootfs);
    }
    if (!problems.isEmpty()) {
      return null;
    }
    return new Config(
        image,
        tags,
        from,
        rootfs,
        run,
        runAfter,
        env,
        workdir,
        user,
        expose,
        labels,
        volumes,
        entrypoint,
        cmd,
        test,
        remarks,
        baseDir);
  }

  // An image from scratch has no files, so no shell, until the rootfs is added.
  private void checkScratch(JsonNode root, Rootfs rootfs) {
    JsonNode run = root.get("run");
    if (run != null && run.isArray() && !run.isEmpty()) {
      problem(
          "run",
          "cannot be used with from: scratch, which has no shell before the rootfs is added;"
              + " use runAfterRootfs",
          null);
    }
    if (rootfs == null && !root.hasNonNull("rootfs")) {
      problem("rootfs", "is required with from: scratch, which has no files of its own", null);
    }
  }

  private void refuseRepeats(String field, List<String> values) {
    for (int i = 0; i < values.size(); i++) {
      if (values.subList(0, i).contains(values.get(i))) {
        problem(field, "repeats an entry given before", Text.show(values.get(i)));
      }
    }
  }

  // ---- structure ---------------------------------------------------------------------------

  private void refuseUnknown(JsonNode object, String prefix, List<String> known) {
    for (Iterator<String> names = object.fieldNames(); names.hasNext(); ) {
      String name = names.next();
      if (!known.contains(name)) {
        String hint = suggest(name, known);
        problem(
            prefix + name,
            "is not a known field"
                + (hint == null
                    ? "; known fields: " + String.join(", ", known)
                    : "; did you mean '" + hint + "'?"),
            null);
      }
    }
  }

  private static String suggest(String name, List<String> known) {
    String best = null;
    int bestDistance = Integer.MAX_VALUE;
    for (String candidate : known) {
      int distance =
          Text.distance(name.toLowerCase(Locale.ROOT), candidate.toLowerCase(Locale.ROOT));
      if (distance < bestDistance) {
        best = candidate;
        bestDistance = distance;
      }
    }
    if (bestDistance <= Math.max(2, name.length() / 3)) {
      return best;
    }
    // A shortened name: "sha" for sha256, "runAfter" for runAfterRootfs.
    String lower = name.toLowerCase(Locale.ROOT);
    return lower.length() < 3
        ? null
        : known.stream()
            .filter(k -> k.toLowerCase(Locale.ROOT).startsWith(lower))
            .findFirst()
            .orElse(null);
  }

  private <T> T required(JsonNode root, String field, BiFunction<String, String, T> parse) {
    JsonNode node = root.get(field);
    if (node == null || node.isNull()) {
      problem(field, "is required", null);
      return null;
    }
    return optional(node, field, parse);
  }

  private <T> T optional(JsonNode node, String field, BiFunction<String, String, T> parse) {
    String text = scalar(node, field);
    return text == null ? null : parse.apply(field, text);
  }

  /** Null, or refused while parsing (already reported). */
  private static boolean absent(JsonNode node) {
    return node == null || node.isNull() || node.isMissingNode();
  }

  /** The text of a scalar node, or null (with a problem when it is a list or mapping). */
  private String scalar(JsonNode node, String field) {
    if (absent(node)) {
      return null;
    }
    if (!node.isTextual()) {
      problem(
          field, "must be a single value, not a " + (node.isArray() ? "list" : "mapping"), null);
      return null;
    }
    return node.asText();
  }

  private <T> List<T> list(JsonNode node, String field, BiFunction<String, String, T> parse) {
    List<T> values = new ArrayList<>();
    if (absent(node)) {
      return values;
    }
    if (!node.isArray()) {
      problem(
          field,
          "must be a list, one entry per item (e.g. [\"a\", \"b\"])",
          node.isTextual() ? Text.show(node.asText()) : null);
      return values;
    }
    if (node.size() > MAX_ITEMS) {
      problem(
          field, "has " + node.size() + " entries; at most " + MAX_ITEMS + " are allowed", null);
      return values;
    }
    for (int i = 0; i < node.size(); i++) {
      String path = field + "[" + i + "]";
      T value = optional(node.get(i), path, parse);
      if (value == null && (node.get(i) == null || node.get(i).isNull())) {
        problem(path, "is empty; remove it or give a value", null);
      }
      if (value != null) {
        values.add(value);
      }
    }
    return values;
  }

  private Map<String, String> map(
      JsonNode node, String field, Predicate<String> keys, String keyRule) {
    Map<String, String> values = new LinkedHashMap<>();
    if (absent(node)) {
      return values;
    }
    if (!node.isObject()) {
      problem(field, "must be a mapping of names to values", null);
      return values;
    }
    if (node.size() > MAX_ITEMS) {
      problem(
          field, "has " + node.size() + " entries; at most " + MAX_ITEMS + " are allowed", null);
      return values;
    }
    for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> entry = it.next();
      String path = field + "." + entry.getKey();
      if (!keys.test(entry.getKey())) {
        problem(path, "is not a valid name: expected " + keyRule, Text.show(entry.getKey()));
        continue;
      }
      String value = scalar(entry.getValue(), path);
      if (value == null && entry.getValue().isNull() && !entry.getValue().isMissingNode()) {
        value = "";
      }
      if (value != null && singleLine(path, value, MAX_VALUE_CHARS)) {
        values.put(entry.getKey(), value);
      }
    }
    return values;
  }

  // ---- fields ------------------------------------------------------------------------------

  private ImageName imageName(String field, String text) {
    if (!singleLine(field, text, 255)) {
      return null;
    }
    if (text.isEmpty()) {
      problem(field, "is empty; give the repository to push to, e.g. r.example.com/team/web", null);
      return null;
    }
    String afterRegistry = text.substring(text.indexOf('/') + 1);
    if (afterRegistry.contains(":") || text.contains("@")) {
      problem(
          field,
          "must be a repository without tag or digest; put the tag in 'tag'",
          Text.show(text));
      return null;
    }
    try {
      ImageName name = ImageName.parse(text);
      if (name.registry() == null && name.path().equals(ImageReference.SCRATCH)) {
        problem(field, "must not be 'scratch', a name Docker reserves", Text.show(text));
        return null;
      }
      return name;
    } catch (IllegalArgumentException e) {
      problem(field, "is not a valid image repository: " + e.getMessage(), Text.show(text));
      return null;
    }
  }

  private List<Tag> tags(JsonNode node) {
    if (node == null || node.isNull()) {
      return List.of(new Tag("latest"));
    }
    if (node.isMissingNode()) {
      return List.of();
    }
    if (node.isArray() && node.isEmpty()) {
      problem("tag", "is an empty list; give at least one tag or leave it out for 'latest'", null);
    }
    if (node.isArray() && node.size() > MAX_ITEMS) {
      list(node, "tag", this::singleValue);
      return List.of();
    }
    List<Tag> tags = new ArrayList<>();
    for (int i = 0; i < (node.isArray() ? node.size() : 1); i++) {
      String field = node.isArray() ? "tag[" + i + "]" : "tag";
      JsonNode item = node.isArray() ? node.get(i) : node;
      if (item.isNull()) {
        problem(field, "is empty; remove it or give a value", null);
        continue;
      }
      String text = scalar(item, field);
      if (text == null || !singleLine(field, text, 255)) {
        continue;
      }
      try {
        Tag tag = new Tag(text);
        if (tags.contains(tag)) {
          problem(field, "repeats a tag given before", Text.show(text));
        }
        tags.add(tag);
      } catch (IllegalArgumentException e) {
        problem(
            field,
            "must be 1 to 128 letters, digits, '_', '.' or '-', not starting with '.' or '-'",
            Text.show(text));
      }
    }
    return tags;
  }

  private String singleValue(String field, String text) {
    return singleLine(field, text, 255) ? text : null;
  }

  private ImageReference baseImage(String field, String text) {
    if (!singleLine(field, text, 512)) {
      return null;
    }
    try {
      return ImageReference.parse(text);
    } catch (IllegalArgumentException e) {
      problem(
          field,
          "is not a valid image reference (or 'scratch'): " + e.getMessage(),
          Text.show(text));
      return null;
    }
  }

  private Rootfs rootfs(JsonNode node, Path baseDir) {
    if (absent(node)) {
      return null;
    }
    String field = "rootfs";
    JsonNode sourceNode = node;
    String sha256 = null;
    boolean allowSetuid = false;
    if (node.isObject()) {
      refuseUnknown(node, "rootfs.", ROOTFS_FIELDS);
      field = "rootfs.source";
      sourceNode = node.get("source");
      if (sourceNode == null || sourceNode.isNull()) {
        problem(field, "is required: a tarball path or an http(s) URL", null);
      }
      sha256 = optional(node.get("sha256"), "rootfs.sha256", this::sha256);
      allowSetuid =
          Boolean.TRUE.equals(optional(node.get("allowSetuid"), "rootfs.allowSetuid", this::bool));
    }
    String source = scalar(sourceNode, field);
    if (source == null || !singleLine(field, source, MAX_PATH_CHARS)) {
      return null;
    }
    return rootfsSource(field, source, sha256, allowSetuid, baseDir);
  }

  private Rootfs rootfsSource(
      String field, String source, String sha256, boolean allowSetuid, Path baseDir) {
    String lower = source.toLowerCase(Locale.ROOT);
    if (lower.startsWith("http://") || lower.startsWith("https://")) {
      try {
        URI url = new URI(source);
        if (url.getHost() == null || url.getUserInfo() != null) {
          problem(
              field,
              "must be an http(s) URL with a host and no user:password part",
              Text.show(source));
          return null;
        }
        return new Rootfs(null, url, sha256, allowSetuid);
      } catch (URISyntaxException e) {
        problem(field, "is not a valid URL: " + e.getReason(), Text.show(source));
        return null;
      }
    }
    if (Names.hasUrlScheme(source)) {
      problem(
          field,
          "must be a file path or an http(s) URL; other schemes are not supported",
          Text.show(source));
      return null;
    }
    Path relative = Path.of(source).normalize();
    if (relative.toString().isEmpty()) {
      problem(field, "must name a tarball file, e.g. rootfs.tar.gz", Text.show(source));
      return null;
    }
    if (relative.isAbsolute() || relative.startsWith("..") || source.contains("\\")) {
      problem(
          field,
          "must be a path inside the config's directory, without '..' or a leading '/'",
          Text.show(source));
      return null;
    }
    Path base = baseDir == null ? Path.of("").toAbsolutePath() : baseDir;
    return new Rootfs(base.resolve(relative), null, sha256, allowSetuid);
  }

  private String sha256(String field, String text) {
    String hex = text.startsWith("sha256:") ? text.substring(7) : text;
    if (!Names.isSha256Hex(hex)) {
      problem(
          field, "must be 64 lowercase hex digits (optionally after 'sha256:')", Text.show(text));
      return null;
    }
    return hex;
  }

  private Boolean bool(String field, String text) {
    if (text.equals("true") || text.equals("false")) {
      return Boolean.valueOf(text);
    }
    problem(field, "must be true or false", Text.show(text));
    return null;
  }

  private String command(String field, String text) {
    String script = text.replace("\r\n", "\n");
    if (script.isBlank()) {
      problem(field, "is blank; remove it or give a command", Text.show(text));
      return null;
    }
    return multiLine(field, script, MAX_COMMAND_CHARS) ? script : null;
  }

  private String argument(String field, String text) {
    return multiLine(field, text, MAX_VALUE_CHARS) ? text : null;
  }

  private String remarks(String field, String text) {
    String remarks = text.replace("\r\n", "\n");
    return multiLine(field, remarks, MAX_REMARKS_CHARS) ? remarks : null;
  }

  // The daemon cleans paths (path.Clean); a path that is already clean reaches the image as typed.
  private String absolutePath(String field, String text) {
    if (!singleLine(field, text, MAX_PATH_CHARS)) {
      return null;
    }
    if (!text.startsWith("/")) {
      problem(field, "must be an absolute path starting with '/'", Text.show(text));
      return null;
    }
    List<String> segments = List.of(text.substring(1).split("/", -1));
    if (segments.contains("..")) {
      problem(field, "must not contain a '..' segment", Text.show(text));
      return null;
    }
    if (!text.equals("/") && (segments.contains(".") || segments.contains(""))) {
      problem(
          field,
          "must be a clean path: no '.' segment, '//' or trailing '/' (e.g. "
              + Text.show(clean(segments))
              + ")",
          Text.show(text));
      return null;
    }
    return text;
  }

  private static String clean(List<String> segments) {
    String joined =
        String.join("/", segments.stream().filter(s -> !s.isEmpty() && !s.equals(".")).toList());
    return "/" + joined;
  }

  private String volume(String field, String text) {
    String path = absolutePath(field, text);
    if (path != null && path.equals("/")) {
      problem(field, "must not be '/' itself", Text.show(text));
      return null;
    }
    return path;
  }

  private String user(String field, String text) {
    if (!singleLine(field, text, 65)) {
      return null;
    }
    if (!Names.isUser(text)) {
      problem(
          field,
          "must be a user name or numeric uid, optionally followed by ':' and a group"
              + " name or gid (e.g. app, 1000 or 1000:1000)",
          Text.show(text));
      return null;
    }
    return text;
  }

  private String port(String field, String text) {
    if (!Names.isPort(text)) {
      problem(
          field,
          "must be a port from 1 to 65535 without leading zeros, optionally with /tcp, /udp or"
              + " /sctp (e.g. 80, \"53/udp\")",
          Text.show(text));
      return null;
    }
    return text;
  }

  private Map<String, String> labels(JsonNode node) {
    Map<String, String> labels =
        map(
            node,
            "labels",
            Names::isLabelKey,
            "letters, digits, '.', '_', '/' or '-', starting and ending"
                + " with a letter or digit (e.g. com.example.team)");
    for (String reserved : RESERVED_LABELS) {
      if (labels.remove(reserved) != null) {
        problem("labels." + reserved, "is set by imageci at build time; remove it", null);
      }
    }
    return labels;
  }

  // ---- character rules ---------------------------------------------------------------------

  private boolean singleLine(String field, String value, int maxChars) {
    int bad = Text.badSingleLineChar(value);
    if (bad >= 0) {
      problem(
          field,
          "must be a single line without control, format or bidi characters; found "
              + Text.describeChar(bad),
          Text.show(value));
      return false;
    }
    return withinLength(field, value, maxChars);
  }

  private boolean multiLine(String field, String value, int maxChars) {
    int bad = Text.badMultiLineChar(value);
    if (bad >= 0) {
      problem(
          field,
          "must not contain control or bidi characters other than tab and newline; found "
              + Text.describeChar(bad),
          Text.show(value));
      return false;
    }
    return withinLength(field, value, maxChars);
  }

  private boolean withinLength(String field, String value, int maxChars) {
    if (value.length() > maxChars) {
      problem(
          field,
          "is " + value.length() + " characters long; at most " + maxChars + " are allowed",
          Text.show(value));
      return false;
    }
    return true;
  }

  private void problem(String field, String rule, String value) {
    problems.add(new Problem(field, rule, value));
  }
}
