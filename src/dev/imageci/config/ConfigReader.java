package dev.imageci.config;

import com.fasterxml.jackson.databind.JsonNode;
import dev.imageci.image.ImageName;
import dev.imageci.image.ImageReference;
import dev.imageci.image.Tag;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.regex.Pattern;

/**
 * Reads an image form from YAML or JSON and validates it, reporting every problem at once.
 *
 * <p>Field rules follow the Dockerfile reference (https://docs.docker.com/reference/dockerfile/)
 * where it has one, and are stricter where a value would otherwise change the Dockerfile's
 * structure.
 */
public final class ConfigReader {

  public static final int MAX_CONFIG_BYTES = 1 << 20;
  static final int MAX_COMMAND_CHARS = 16 * 1024;
  static final int MAX_VALUE_CHARS = 8 * 1024;
  static final int MAX_PATH_CHARS = 1024;
  static final int MAX_REMARKS_CHARS = 4 * 1024;
  static final int MAX_ITEMS = 100;

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
  public static final List<String> RESERVED_LABELS =
      List.of("org.opencontainers.image.created", "org.opencontainers.image.revision");

  private static final Pattern ENV_KEY = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,255}");
  private static final Pattern LABEL_KEY =
      Pattern.compile("[A-Za-z0-9](?:[A-Za-z0-9._/-]{0,254}[A-Za-z0-9])?");
  private static final Pattern PORT = Pattern.compile("([0-9]{1,5})(?:/(tcp|udp|sctp))?");
  private static final String NAME_OR_ID = "(?:[a-z_][a-z0-9_-]{0,31}|[0-9]{1,10})";
  private static final Pattern USER = Pattern.compile(NAME_OR_ID + "(?::" + NAME_OR_ID + ")?");
  private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");

  private final List<Problem> problems = new ArrayList<>();

  private ConfigReader() {}

  /** Reads and validates the config file at {@code file}; a rootfs path is resolved next to it. */
  public static Config read(Path file) throws ConfigException {
    String source = file.toString();
    byte[] bytes;
    try {
      if (Files.size(file) > MAX_CONFIG_BYTES) {
        throw refuse(source, "is larger than " + MAX_CONFIG_BYTES + " bytes");
      }
      bytes = Files.readAllBytes(file);
    } catch (IOException e) {
      throw refuse(source, "could not be read: " + e);
    }
    boolean json = file.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".json");
    Path baseDir = file.toAbsolutePath().getParent();
    return parse(decode(bytes, source), json, baseDir, source);
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
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .decode(java.nio.ByteBuffer.wrap(bytes))
          .toString();
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
        map(root.get("env"), "env", ENV_KEY, "a letter or _ then letters, digits or _");
    String workdir = optional(root.get("workdir"), "workdir", this::absolutePath);
    String user = optional(root.get("user"), "user", this::user);
    List<String> expose = list(root.get("expose"), "expose", this::port);
    Map<String, String> labels = labels(root.get("labels"));
    List<String> volumes = list(root.get("volumes"), "volumes", this::absolutePath);
    List<String> entrypoint = list(root.get("entrypoint"), "entrypoint", this::argument);
    List<String> cmd = list(root.get("cmd"), "cmd", this::argument);
    List<String> test = list(root.get("test"), "test", this::argument);
    String remarks = optional(root.get("remarks"), "remarks", this::remarks);
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
    return bestDistance <= Math.max(2, name.length() / 3) ? best : null;
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

  /** The text of a scalar node, or null (with a problem when it is a list or mapping). */
  private String scalar(JsonNode node, String field) {
    if (node == null || node.isNull()) {
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
    if (node == null || node.isNull()) {
      return values;
    }
    if (!node.isArray()) {
      problem(field, "must be a list", node.isTextual() ? Text.show(node.asText()) : null);
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

  private Map<String, String> map(JsonNode node, String field, Pattern keys, String keyRule) {
    Map<String, String> values = new LinkedHashMap<>();
    if (node == null || node.isNull()) {
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
      if (!keys.matcher(entry.getKey()).matches()) {
        problem(path, "is not a valid name: expected " + keyRule, Text.show(entry.getKey()));
        continue;
      }
      String value = scalar(entry.getValue(), path);
      if (value == null && entry.getValue().isNull()) {
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
    try {
      ImageName name = ImageName.parse(text);
      if (text.contains(":") && name.registry() == null || text.contains("@")) {
        problem(
            field, "is a repository without tag or digest; put the tag in 'tag'", Text.show(text));
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
    List<String> texts =
        node.isArray() ? list(node, "tag", this::singleValue) : List.of(singleOrEmpty(node, "tag"));
    List<Tag> tags = new ArrayList<>();
    for (int i = 0; i < texts.size(); i++) {
      String field = node.isArray() ? "tag[" + i + "]" : "tag";
      try {
        Tag tag = new Tag(texts.get(i));
        if (tags.contains(tag)) {
          problem(field, "repeats a tag given before", Text.show(texts.get(i)));
        }
        tags.add(tag);
      } catch (IllegalArgumentException e) {
        problem(
            field,
            e.getMessage().replaceFirst("^invalid tag '.*?': ", "must be "),
            Text.show(texts.get(i)));
      }
    }
    if (node.isArray() && node.isEmpty()) {
      problem("tag", "is an empty list; give at least one tag or leave it out for 'latest'", null);
    }
    return tags;
  }

  private String singleOrEmpty(JsonNode node, String field) {
    String text = scalar(node, field);
    return text == null ? "" : text;
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
    if (node == null || node.isNull()) {
      return null;
    }
    String field = "rootfs";
    String source;
    String sha256 = null;
    boolean allowSetuid = false;
    if (node.isObject()) {
      refuseUnknown(node, "rootfs.", ROOTFS_FIELDS);
      source = required(node, "source", (f, t) -> t);
      field = "rootfs.source";
      sha256 = optional(node.get("sha256"), "rootfs.sha256", this::sha256);
      allowSetuid =
          Boolean.TRUE.equals(optional(node.get("allowSetuid"), "rootfs.allowSetuid", this::bool));
      if (source == null && !node.has("source")) {
        problems.remove(problems.size() - 1);
        problem("rootfs.source", "is required: a tarball path or an http(s) URL", null);
      }
    } else {
      source = scalar(node, field);
    }
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
    if (source.matches("^[A-Za-z][A-Za-z0-9+.-]*:.*")) {
      problem(
          field,
          "must be a file path or an http(s) URL; other schemes are not supported",
          Text.show(source));
      return null;
    }
    Path relative = Path.of(source).normalize();
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
    if (!SHA256.matcher(hex).matches()) {
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

  private String absolutePath(String field, String text) {
    if (!singleLine(field, text, MAX_PATH_CHARS)) {
      return null;
    }
    if (!text.startsWith("/")) {
      problem(field, "must be an absolute path starting with '/'", Text.show(text));
      return null;
    }
    for (String segment : text.split("/")) {
      if (segment.equals("..")) {
        problem(field, "must not contain a '..' segment", Text.show(text));
        return null;
      }
    }
    return text;
  }

  private String user(String field, String text) {
    if (!singleLine(field, text, 65) || !USER.matcher(text).matches()) {
      if (problems.isEmpty() || !problems.get(problems.size() - 1).field().equals(field)) {
        problem(
            field,
            "must be a user name or numeric uid, optionally followed by ':' and a group"
                + " name or gid (e.g. app, 1000 or 1000:1000)",
            Text.show(text));
      }
      return null;
    }
    return text;
  }

  private String port(String field, String text) {
    var matcher = PORT.matcher(text);
    if (!matcher.matches()
        || Integer.parseInt(matcher.group(1)) < 1
        || Integer.parseInt(matcher.group(1)) > 65535) {
      problem(
          field,
          "must be a port from 1 to 65535, optionally with /tcp, /udp or /sctp (e.g. 80, \"53/udp\")",
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
            LABEL_KEY,
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
