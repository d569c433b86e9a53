package dev.imageci.render;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.regex.Pattern;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class DockerfileSyntaxTest {

  @Test
  void aPlainWordIsWrittenBare() {
    assertThat(DockerfileSyntax.word("a-b_c.d/e:f=g,h@i+j%k0")).isEqualTo("a-b_c.d/e:f=g,h@i+j%k0");
  }

  @Test
  void anyOtherWordIsDoubleQuotedWithBackslashQuoteAndDollarEscaped() {
    assertThat(DockerfileSyntax.word("")).isEqualTo("\"\"");
    assertThat(DockerfileSyntax.word("a b")).isEqualTo("\"a b\"");
    assertThat(DockerfileSyntax.word("$HOME")).isEqualTo("\"\\$HOME\"");
    assertThat(DockerfileSyntax.word("say \"hi\"")).isEqualTo("\"say \\\"hi\\\"\"");
    assertThat(DockerfileSyntax.word("C:\\dir\\")).isEqualTo("\"C:\\\\dir\\\\\"");
    assertThat(DockerfileSyntax.word("`id` 'x' #")).isEqualTo("\"`id` 'x' #\"");
    assertThat(DockerfileSyntax.word("caf\u00e9")).isEqualTo("\"caf\u00e9\"");
  }

  @Property(tries = 3000)
  void aWordIsBareExactlyWhenEveryCharacterIsPlain(@ForAll("words") String value) {
    boolean plain = Pattern.compile("[A-Za-z0-9_./@+=,:%-]+").matcher(value).matches();

    assertThat(DockerfileSyntax.word(value).equals(value)).isEqualTo(plain);
  }

  @Provide
  Arbitrary<String> words() {
    return Arbitraries.strings().withChars("aZ09_./@+=,:%- $\\\"'#`é\t").ofMaxLength(8);
  }

  @Test
  void keyValueJoinsAPlainKeyAndAWord() {
    assertThat(DockerfileSyntax.keyValue("A", "b c")).isEqualTo("A=\"b c\"");
  }

  @Test
  void execFormIsAJsonArrayThatEscapesUnicodeLineBreaks() {
    assertThat(DockerfileSyntax.execForm(List.of("a\"b", "c\\d", "e\nf", "\u2028\u2029\u0085")))
        .isEqualTo("[\"a\\\"b\",\"c\\\\d\",\"e\\nf\",\"\\u2028\\u2029\\u0085\"]");
    assertThat(DockerfileSyntax.execForm(List.of())).isEqualTo("[]");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "echo hi",
        "apt-get install -y x && rm -rf /var/lib/apt/lists/*",
        "echo \"$HOME\" > /x",
        "a \\ b",
        "x [ y ]",
        "echo # not first"
      })
  void aCommandTheParserReadsBackUnchangedStaysInShellForm(String command) {
    assertThat(DockerfileSyntax.run(command)).isEqualTo(command);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "a\nb",
        "ends in backslash \\",
        "[ -f x ]",
        "[\"json\"]",
        "--mount=type=cache,target=/x ls",
        "-x",
        "# comment",
        "cat <<EOF",
        " leading",
        "trailing ",
        "tab\tinside",
        "nbsp\u00a0",
        "\u3000ideographic space",
        "figure space\u2007"
      })
  void anyOtherCommandRunsThroughShInExecForm(String command) {
    assertThat(DockerfileSyntax.run(command))
        .isEqualTo(DockerfileSyntax.execForm(List.of("/bin/sh", "-c", command)));
  }

  @Test
  void parserSpaceIsGosUnicodeIsSpace() {
    for (int c :
        new int[] {
          '\t', '\n', 0x0B, '\f', '\r', ' ', 0x85, 0xA0, 0x1680, 0x2000, 0x200A, 0x2028, 0x2029,
          0x202F, 0x205F, 0x3000
        }) {
      assertThat(DockerfileSyntax.isParserSpace(c)).as("U+%04X", c).isTrue();
    }
    for (int c : new int[] {'a', 0, 0x1C, 0x200B, 0xFEFF, 0x180E}) {
      assertThat(DockerfileSyntax.isParserSpace(c)).as("U+%04X", c).isFalse();
    }
  }

  @Test
  void everyRemarkLineBecomesAComment() {
    assertThat(DockerfileSyntax.comment("one\n\n  two \\\n# three"))
        .containsExactly("# one", "#", "#   two \\", "# # three");
  }
}
