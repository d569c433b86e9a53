package dev.imageci.config;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SourceTreeTest {

  private final List<Problem> problems = new ArrayList<>();

  private JsonNode yaml(String text) {
    return SourceTree.parse(text, false, problems);
  }

  @Test
  void everyScalarIsKeptAsTheTextWritten() {
    JsonNode root = yaml("a: 01\nb: 1.10\nc: true\nd: 0x1F\ne: !!int 017\nf: 1e3\n");

    assertThat(problems).isEmpty();
    assertThat(root.get("a").asText()).isEqualTo("01");
    assertThat(root.get("b").asText()).isEqualTo("1.10");
    assertThat(root.get("c").asText()).isEqualTo("true");
    assertThat(root.get("d").asText()).isEqualTo("0x1F");
    assertThat(root.get("e").asText()).isEqualTo("017");
    assertThat(root.get("f").asText()).isEqualTo("1e3");
  }

  @Test
  void nullsAreNullButAQuotedEmptyStringIsText() {
    JsonNode root = yaml("a:\nb: ~\nc: null\nd: ''\n");

    assertThat(root.get("a").isNull()).isTrue();
    assertThat(root.get("b").isNull()).isTrue();
    assertThat(root.get("c").isNull()).isTrue();
    assertThat(root.get("d").isTextual()).isTrue();
  }

  @Test
  void aBinaryScalarIsReportedNotDecoded() {
    JsonNode root = yaml("a: !!binary aGVsbG8=\n");

    assertThat(root == null || root.get("a") == null || !root.get("a").isNull()).isTrue();
    assertThat(problems).singleElement().satisfies(p -> assertThat(p.field()).isEqualTo("a"));
  }

  @Test
  void aComplexKeyIsASyntaxProblem() {
    assertThat(yaml("? [a, b]\n: c\n")).isNull();
    assertThat(problems)
        .singleElement()
        .satisfies(p -> assertThat(p.rule()).startsWith("is not valid YAML: "));
  }

  @Test
  void aBillionLaughsIsRefusedWithoutExpandingIt() {
    String laughs =
        "a: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
            + "c: [*b, *b, *b, *b, *b, *b, *b, *b, *b]\n";

    yaml(laughs);

    assertThat(problems).isNotEmpty();
  }
}
