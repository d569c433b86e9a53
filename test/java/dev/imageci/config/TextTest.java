package dev.imageci.config;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TextTest {

  @Test
  void singleLineFieldsRefuseControlFormatBidiAndSeparatorCharacters() {
    for (String bad :
        new String[] {
          "a\nb", "a\tb", "\u0000", "\u007f", "\u0085", "\u200b", "\ufeff", "\u202e", "\u2066",
          "\u061c", "\u2028", "\u2029", "\ud800", "\udfff", "\u0378"
        }) {
      assertThat(Text.badSingleLineChar(bad)).as(Text.show(bad)).isNotNegative();
    }
    assertThat(Text.badSingleLineChar("caf\u00e9 \u00a0 \ud83d\ude00 $\"'`\\")).isEqualTo(-1);
  }

  @Test
  void multiLineFieldsAllowTabNewlineAndFormatCharactersOnly() {
    assertThat(Text.badMultiLineChar("a\tb\nc \u200d \ufeff \ud83d\ude00")).isEqualTo(-1);
    for (String bad :
        new String[] {"\r", "\u0000", "\u001b", "\u0085", "\u2028", "\u202e", "\ud800"}) {
      assertThat(Text.badMultiLineChar(bad)).as(Text.show(bad)).isNotNegative();
    }
  }

  @Test
  void aValueIsShownOnOneLineEscapedAndShortened() {
    assertThat(Text.show("a\"b\\c\nd\te\u0000\u202e"))
        .isEqualTo("\"a\\\"b\\\\c\\nd\\te\\u0000\\u202e\"");
    assertThat(Text.show("x".repeat(61))).isEqualTo("\"" + "x".repeat(60) + "...\"");
  }

  @Test
  void charactersAreNamedByCodePoint() {
    assertThat(Text.describeChar(0)).isEqualTo("U+0000 (NUL)");
    assertThat(Text.describeChar(0x2029)).isEqualTo("U+2029 (paragraph separator)");
    assertThat(Text.describeChar(0x1F600)).isEqualTo("U+1F600");
  }

  @Test
  void distanceCountsEdits() {
    assertThat(Text.distance("entrypiont", "entrypoint")).isEqualTo(2);
    assertThat(Text.distance("", "run")).isEqualTo(3);
    assertThat(Text.distance("run", "run")).isZero();
  }
}
