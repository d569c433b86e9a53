package dev.imageci.config;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class YamlTreeTest {

  private final List<Problem> problems = new ArrayList<>();

  private JsonNode yaml(String text) {
    return YamlTree.parse(text, problems);
  }

  private List<String> printed() {
    return problems.stream().map(Problem::toString).toList();
  }

  @Test
  void readsMappingsListsAndScalarsInTheOrderWritten() {
    JsonNode root = yaml("b: [x, 'y']\na: {k: v}\n");

    assertThat(problems).isEmpty();
    assertThat(root.fieldNames()).toIterable().containsExactly("b", "a");
    assertThat(root.get("b").get(1).asText()).isEqualTo("y");
    assertThat(root.get("a").get("k").asText()).isEqualTo("v");
  }

  @Test
  void onlyUnquotedUntaggedNullWordsAndTheNullTagAreNull() {
    JsonNode root =
        yaml("a: ! ~\nb: '~'\nc: \"null\"\nd: !!null x\ne: !!null ''\nf: nULL\ng: !!str ~\n");

    assertThat(root.get("a").isNull()).isTrue();
    assertThat(root.get("b").asText()).isEqualTo("~");
    assertThat(root.get("c").asText()).isEqualTo("null");
    assertThat(root.get("d").isNull()).isTrue();
    assertThat(root.get("e").isTextual()).isTrue();
    assertThat(root.get("f").asText()).isEqualTo("nULL");
    assertThat(root.get("g").asText()).isEqualTo("~");
  }

  @Test
  void aTaggedScalarKeepsItsTextButABinaryOneIsRefusedEvenWhenMalformed() {
    JsonNode root = yaml("a: !!int 0x1F\nb: !custom x\nc: !!binary '!!!'\n");

    assertThat(root.get("a").asText()).isEqualTo("0x1F");
    assertThat(root.get("b").asText()).isEqualTo("x");
    assertThat(printed())
        .containsExactly("c: uses a YAML binary value (!!binary); write text instead");
  }

  @Test
  void aSyntaxErrorSaysWhatWasFoundAndWhere() {
    assertThat(yaml("image: a/b\nfrom: [busybox\n")).isNull();

    assertThat(printed())
        .containsExactly(
            "(config): is not valid YAML: while parsing a flow sequence started at line 2,"
                + " column 7: expected ',' or ']', but got <stream end> at line 3, column 1");
  }

  @Test
  void anAliasOrAListAsAKeyIsASyntaxProblem() {
    yaml("a: &x b\n? *x\n: c\n");
    yaml("? [a]\n: c\n");

    assertThat(printed())
        .containsExactly(
            "(config): is not valid YAML: expected a field name, got an alias at line 2, column 3",
            "(config): is not valid YAML: expected a field name, got a list at line 1, column 3");
  }

  @Test
  void aKeyLongerThan1024CharactersIsRefused() {
    assertThat(yaml("? " + "k".repeat(1024) + "\n: v\n").has("k".repeat(1024))).isTrue();

    assertThat(yaml("? " + "k".repeat(1025) + "\n: v\n")).isNull();
    assertThat(printed())
        .containsExactly(
            "(config): is not valid YAML: a field name is longer than 1024 characters"
                + " at line 1, column 3");
  }

  @Test
  void deepNestingIsReportedOnceAndNotReadPast64Levels() {
    yaml("a: " + "[".repeat(100_000) + "\n");

    assertThat(printed())
        .containsExactly(
            "a[0][0][0][0][0][0][0]: is nested more than 8 levels deep",
            "(config): is not valid YAML: nested more than 64 levels deep at line 1, column 67");
  }

  @Test
  void aSecondDocumentIsRefusedAfterReadingItsFirstNodeOnly() {
    JsonNode root = yaml("a: b\n---\n[\n");

    assertThat(root.get("a").asText()).isEqualTo("b");
    assertThat(printed()).containsExactly("(config): holds more than one document; expected one");
  }

  @Test
  void anEmptyStreamIsEmptyButAnEmptyDocumentIsANullRoot() {
    assertThat(yaml("# nothing\n")).isNull();
    assertThat(yaml("---\n...\n").isNull()).isTrue();

    assertThat(printed()).containsExactly("(config): is empty; expected a mapping of fields");
  }

  @Test
  void textOverTheSizeLimitIsRefusedWhileScanning() {
    yaml("a: " + "x".repeat(ConfigReader.MAX_CONFIG_BYTES) + "\n");

    assertThat(printed())
        .singleElement()
        .satisfies(
            p -> assertThat(p).startsWith("(config): is not valid YAML: ").contains("limit"));
  }
}
