package dev.imageci.image;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.regex.Pattern;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

/** The hand-written matchers agree with the expressions of distribution/reference. */
class ReferenceGrammarTest {

  private static final String COMPONENT = "[a-z0-9]+(?:(?:[._]|__|[-]+)[a-z0-9]+)*";
  private static final Pattern PATH = Pattern.compile(COMPONENT + "(?:/" + COMPONENT + ")*");
  private static final String LABEL = "[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?";
  private static final Pattern DOMAIN =
      Pattern.compile(LABEL + "(?:\\." + LABEL + ")*(?::[0-9]+)?|\\[[0-9a-fA-F:.]+\\](?::[0-9]+)?");
  private static final Pattern TAG = Pattern.compile("[\\w][\\w.-]{0,127}");

  @Property(tries = 3000)
  void aPathMatchesExactlyWhenTheExpressionDoes(@ForAll("names") String text) {
    assertThat(ReferenceGrammar.isPath(text)).isEqualTo(PATH.matcher(text).matches());
  }

  @Property(tries = 3000)
  void aDomainMatchesExactlyWhenTheExpressionDoes(@ForAll("names") String text) {
    assertThat(ReferenceGrammar.isDomain(text)).isEqualTo(DOMAIN.matcher(text).matches());
  }

  @Property(tries = 3000)
  void aTagMatchesExactlyWhenTheExpressionDoes(@ForAll("names") String text) {
    assertThat(ReferenceGrammar.isTag(text)).isEqualTo(TAG.matcher(text).matches());
  }

  @Test
  void examplesOnBothSidesOfEachRule() {
    assertThat(ReferenceGrammar.isPath("team/web-1__x.y---z")).isTrue();
    assertThat(ReferenceGrammar.isPath("team/web_-x")).isFalse();
    assertThat(ReferenceGrammar.isPath("team//web")).isFalse();
    assertThat(ReferenceGrammar.isDomain("r.example.com:5000")).isTrue();
    assertThat(ReferenceGrammar.isDomain("[::1]:5000")).isTrue();
    assertThat(ReferenceGrammar.isDomain("r.-example.com")).isFalse();
    assertThat(ReferenceGrammar.isDomain("r.example.com:")).isFalse();
    assertThat(ReferenceGrammar.isTag("_1.0-rc")).isTrue();
    assertThat(ReferenceGrammar.isTag("x".repeat(129))).isFalse();
  }

  // Short strings over the characters the grammar gives meaning to, and a few it does not.
  @Provide
  Arbitrary<String> names() {
    return Arbitraries.strings().withChars("aZ09._-/:[]fF é").ofMinLength(0).ofMaxLength(14);
  }
}
