package dev.imageci.render;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.imageci.config.Config;
import dev.imageci.config.ConfigException;
import dev.imageci.config.ConfigReader;
import dev.imageci.config.Problem;
import dev.imageci.image.Tag;
import dev.imageci.render.ReferenceDockerfileReader.Dockerfile;
import dev.imageci.render.ReferenceDockerfileReader.Instruction;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.statistics.Statistics;

/**
 * Random values, rich in what Dockerfiles and shells treat specially, in every field: each is
 * either refused with a problem naming that field, or reaches the builder exactly as given, in an
 * instruction sequence that is exactly the one the form asks for.
 */
class DockerfileRendererPropertyTest {

  private static final Map<String, String> BASE_ENV =
      Map.of("HOME", "/root", "PATH", "/usr/bin:/bin", "X", "x", "a", "A", "USER", "root");
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final DockerfileRenderer RENDERER = new DockerfileRenderer();

  private static final String[] FRAGMENTS = {
    "\n",
    "\r\n",
    "\r",
    "\\",
    "\\\n",
    "\\ ",
    "\"",
    "'",
    "`",
    "$",
    "$HOME",
    "${HOME}",
    "${X:-y}",
    "$(id)",
    "$a",
    "\u0000",
    "\u0007",
    "\u2028",
    "\u2029",
    "\u0085",
    "\u00a0",
    "\u3000",
    "\u202e",
    "\u2066",
    "\u200b",
    "\u200d",
    "\ufeff",
    "\ud800",
    "\udc00",
    "\ud83d\ude00",
    "\t",
    " ",
    "  ",
    "#",
    "# escape=`",
    "# syntax=docker/dockerfile:1",
    "<<EOF",
    "<<-EOF",
    "EOF",
    "[",
    "]",
    "[\"a\"]",
    "[1]",
    "--mount=type=cache",
    "--",
    "-",
    "=",
    "a",
    "Z",
    "0",
    "1",
    "80",
    "/",
    "/a",
    ".",
    "..",
    ":",
    "é",
    "RUN",
    "FROM scratch",
    "{",
    "}",
    "%",
    "@",
    ",",
    ";",
    "&&",
    "scratch"
  };

  enum Field {
    IMAGE,
    TAG,
    FROM,
    ROOTFS,
    RUN,
    RUN_AFTER_ROOTFS,
    ENV_KEY,
    ENV_VALUE,
    WORKDIR,
    USER,
    EXPOSE,
    LABEL_KEY,
    LABEL_VALUE,
    VOLUME,
    ENTRYPOINT,
    CMD,
    TEST,
    REMARKS
  }

  @Provide
  Arbitrary<String> values() {
    Arbitrary<String> fragments =
        Arbitraries.of(FRAGMENTS).list().ofMaxSize(8).map(parts -> String.join("", parts));
    Arbitrary<String> anything = Arbitraries.strings().all().ofMaxLength(12);
    Arbitrary<String> printable = Arbitraries.strings().ascii().ofMaxLength(16);
    return Arbitraries.frequencyOf(
        Tuple.of(6, fragments), Tuple.of(2, printable), Tuple.of(1, anything));
  }

  @Property(tries = 2000)
  void aValueInAnyFieldIsRefusedByNameOrReachesTheBuilderExactly(
      @ForAll Field field, @ForAll("values") String value) throws Exception {
    Map<String, Object> form = baseForm(field);
    String path = put(form, field, value);

    check(form, List.of(path));
  }

  /** Fragments with no character any field refuses, so that most forms are rendered. */
  @Provide
  Arbitrary<String> printable() {
    return Arbitraries.of(
            "\\",
            "\"",
            "'",
            "`",
            "$",
            "$HOME",
            "${X}",
            "$(id)",
            "$a",
            " ",
            "#",
            "# escape=`",
            "<<EOF",
            "[",
            "]",
            "[\"a\"]",
            "--mount=x",
            "-",
            "=",
            "a",
            "Z",
            "0",
            ":",
            "\u00e9",
            "\u00a0",
            "\ud83d\ude00",
            "%",
            "@",
            ",",
            ";",
            "&&",
            "{",
            "}",
            "RUN",
            "\\ ")
        .list()
        .ofMinSize(1)
        .ofMaxSize(6)
        .map(parts -> String.join("", parts));
  }

  @Property(tries = 500)
  void valuesInAllFreeTextFieldsAtOnceReachTheBuilderExactly(
      @ForAll("printable") String env,
      @ForAll("printable") String label,
      @ForAll("printable") String run,
      @ForAll("printable") String after,
      @ForAll("printable") String path,
      @ForAll("printable") String argument,
      @ForAll("printable") String remarks)
      throws Exception {
    Map<String, Object> form = baseForm(Field.IMAGE);
    List<String> paths = new ArrayList<>();
    paths.add(put(form, Field.ENV_VALUE, env));
    paths.add(entry(form, "env", "SECOND", env + "$KEY"));
    paths.add(put(form, Field.LABEL_VALUE, label));
    paths.add(put(form, Field.RUN, run));
    paths.add(put(form, Field.RUN_AFTER_ROOTFS, after + "\n" + run));
    paths.add(put(form, Field.WORKDIR, "/" + path));
    paths.add(put(form, Field.VOLUME, "/" + path + "2"));
    paths.add(put(form, Field.ENTRYPOINT, argument));
    paths.add(put(form, Field.CMD, argument + label));
    paths.add(put(form, Field.REMARKS, remarks + "\n" + env));

    check(form, paths);
  }

  private static void check(Map<String, Object> form, List<String> paths) throws Exception {
    Config config;
    try {
      config = ConfigReader.parse(json(form), true, Path.of("/forms"), "form.json");
    } catch (ConfigException refused) {
      assertThat(refused.problems()).isNotEmpty();
      for (Problem problem : refused.problems()) {
        assertThat(paths.stream().anyMatch(path -> names(problem, path)))
            .as("%s names one of %s", problem, paths)
            .isTrue();
      }
      Statistics.collect("refused");
      return;
    }
    String dockerfile = RENDERER.render(config);
    Dockerfile read = ReferenceDockerfileReader.read(dockerfile, BASE_ENV);

    assertThat(dockerfile)
        .as("nothing typed before FROM")
        .startsWith(DockerfileRenderer.HEADER + "\nFROM " + form.get("from") + "\n");
    assertThat(read.directives()).isEmpty();
    assertThat(read.instructions()).allSatisfy(i -> assertThat(i.flags()).isEmpty());
    assertThat(read.instructions().stream().map(DockerfileRendererPropertyTest::words).toList())
        .as("instructions read back from\n%s", dockerfile)
        .isEqualTo(expected(form, config));
    assertThat(remarks(read)).isEqualTo(expectedRemarks(form));
    assertThat(config.image().toString()).isEqualTo(form.get("image"));
    assertThat(config.tags().stream().map(Tag::value).toList()).isEqualTo(form.get("tag"));
    assertThat(config.test()).isEqualTo(form.get("test"));
    Statistics.collect("rendered");
  }

  /** Whether a problem names the field given a random value, or its list or map. */
  private static boolean names(Problem problem, String path) {
    String field = problem.field();
    String parent = path.replaceFirst("[\\[.].*$", "");
    return field.equals(path) || field.equals(parent) || field.startsWith(parent + ".");
  }

  // ---- the form -------------------------------------------------------------------------------

  private static Map<String, Object> baseForm(Field field) {
    Map<String, Object> form = new LinkedHashMap<>();
    form.put("image", "team/web");
    form.put("tag", new ArrayList<>(List.of("base")));
    form.put("from", "busybox");
    if (field != Field.FROM) {
      form.put("run", new ArrayList<>(List.of("echo base")));
    }
    form.put("rootfs", "r.tar");
    form.put("runAfterRootfs", new ArrayList<>(List.of("echo after")));
    form.put("env", new LinkedHashMap<>(Map.of("BASE", "1")));
    form.put("workdir", "/w");
    form.put("user", "app");
    form.put("expose", new ArrayList<>(List.of("80")));
    form.put("labels", new LinkedHashMap<>(Map.of("l", "v")));
    form.put("volumes", new ArrayList<>(List.of("/v")));
    form.put("entrypoint", new ArrayList<>(List.of("/e")));
    form.put("cmd", new ArrayList<>(List.of("c")));
    form.put("test", new ArrayList<>(List.of("t")));
    form.put("remarks", "note");
    return form;
  }

  /** Puts {@code value} into {@code field}; returns the field path a problem would name. */
  @SuppressWarnings("unchecked")
  private static String put(Map<String, Object> form, Field field, String value) {
    return switch (field) {
      case IMAGE -> scalar(form, "image", value);
      case FROM -> scalar(form, "from", value);
      case ROOTFS -> scalar(form, "rootfs", value);
      case WORKDIR -> scalar(form, "workdir", value);
      case USER -> scalar(form, "user", value);
      case REMARKS -> scalar(form, "remarks", value);
      case TAG -> append(form, "tag", value);
      case RUN -> append(form, "run", value);
      case RUN_AFTER_ROOTFS -> append(form, "runAfterRootfs", value);
      case EXPOSE -> append(form, "expose", value);
      case VOLUME -> append(form, "volumes", value);
      case ENTRYPOINT -> append(form, "entrypoint", value);
      case CMD -> append(form, "cmd", value);
      case TEST -> append(form, "test", value);
      case ENV_KEY -> entry(form, "env", value, "v");
      case ENV_VALUE -> entry(form, "env", "KEY", value);
      case LABEL_KEY -> entry(form, "labels", value, "v");
      case LABEL_VALUE -> entry(form, "labels", "com.example.key", value);
    };
  }

  private static String scalar(Map<String, Object> form, String name, String value) {
    form.put(name, value);
    return name;
  }

  @SuppressWarnings("unchecked")
  private static String append(Map<String, Object> form, String name, String value) {
    List<String> list = (List<String>) form.get(name);
    list.add(value);
    return name + "[" + (list.size() - 1) + "]";
  }

  @SuppressWarnings("unchecked")
  private static String entry(Map<String, Object> form, String name, String key, String value) {
    Map<String, String> map = (Map<String, String>) form.get(name);
    map.put(key, value);
    return name + "." + key;
  }

  private static String json(Map<String, Object> form) throws JsonProcessingException {
    return JSON.writeValueAsString(form);
  }

  // ---- what the builder must see --------------------------------------------------------------

  @SuppressWarnings("unchecked")
  private static List<List<String>> expected(Map<String, Object> form, Config config) {
    List<List<String>> expected = new ArrayList<>();
    expected.add(List.of("FROM", (String) form.get("from")));
    ((Map<String, String>) form.get("env")).forEach((k, v) -> expected.add(List.of("ENV", k, v)));
    for (String command : (List<String>) form.getOrDefault("run", List.of())) {
      expected.add(List.of("RUN", "/bin/sh", "-c", command.replace("\r\n", "\n")));
    }
    expected.add(List.of("ADD", DockerfileRenderer.rootfsContextName(config.rootfs()), "/"));
    expected.add(List.of("WORKDIR", (String) form.get("workdir")));
    for (String command : (List<String>) form.get("runAfterRootfs")) {
      expected.add(List.of("RUN", "/bin/sh", "-c", command.replace("\r\n", "\n")));
    }
    expected.add(List.of("USER", (String) form.get("user")));
    for (String port : (List<String>) form.get("expose")) {
      expected.add(List.of("EXPOSE", port));
    }
    expected.add(prefixed("VOLUME", (List<String>) form.get("volumes")));
    expected.add(prefixed("ENTRYPOINT", (List<String>) form.get("entrypoint")));
    expected.add(prefixed("CMD", (List<String>) form.get("cmd")));
    List<String> labels = new ArrayList<>(List.of("LABEL"));
    ((Map<String, String>) form.get("labels")).forEach((k, v) -> labels.addAll(List.of(k, v)));
    expected.add(labels);
    return expected;
  }

  private static List<String> prefixed(String keyword, List<String> arguments) {
    List<String> words = new ArrayList<>();
    words.add(keyword);
    words.addAll(arguments);
    return words;
  }

  private static List<String> words(Instruction instruction) {
    return prefixed(instruction.keyword(), instruction.arguments());
  }

  // Comments after the header, each with its "#" and one following space taken off.
  private static List<String> remarks(Dockerfile read) {
    return read.comments().stream()
        .skip(1)
        .map(c -> c.startsWith("# ") ? c.substring(2) : c.substring(1))
        .toList();
  }

  private static List<String> expectedRemarks(Map<String, Object> form) {
    return ((String) form.get("remarks")).replace("\r\n", "\n").lines().toList();
  }
}
