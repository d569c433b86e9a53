package dev.imageci.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.regex.Pattern;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

/** The hand-written matchers agree with the expressions they name. */
class NamesTest {

  private static final Pattern ENV_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,255}");
  private static final Pattern LABEL_KEY =
      Pattern.compile("[A-Za-z0-9](?:[A-Za-z0-9._/-]{0,254}[A-Za-z0-9])?");
  private static final String NAME_OR_ID = "(?:[A-Za-z_][A-Za-z0-9._-]{0,31}|[0-9]{1,10})";
  private static final Pattern USER = Pattern.compile(NAME_OR_ID + "(?::" + NAME_OR_ID + ")?");
  private static final Pattern PORT = Pattern.compile("([0-9]{1,5})(?:/(tcp|udp|sctp))?");
  private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");
  private static final Pattern URL_SCHEME = Pattern.compile("[A-Za-z][A-Za-z0-9+.-]*:");

  @Property(tries = 3000)
  void everyMatcherAgreesWithItsExpression(@ForAll("texts") String text) {
    assertThat(Names.isEnvName(text)).isEqualTo(ENV_NAME.matcher(text).matches());
    assertThat(Names.isLabelKey(text)).isEqualTo(LABEL_KEY.matcher(text).matches());
    assertThat(Names.isUser(text)).isEqualTo(USER.matcher(text).matches());
    assertThat(Names.hasUrlScheme(text)).isEqualTo(URL_SCHEME.matcher(text).lookingAt());
  }

  @Property(tries = 3000)
  void aPortIsOneTo65535WithoutLeadingZerosAndAnOptionalProtocol(@ForAll("ports") String text) {
    var matcher = PORT.matcher(text);
    boolean expected =
        matcher.matches()
            && !matcher.group(1).startsWith("0")
            && Integer.parseInt(matcher.group(1)) <= 65535;

    assertThat(Names.isPort(text)).isEqualTo(expected);
  }

  @Test
  void lengthLimitsAndDigestsFollowTheExpressions() {
    for (String text :
        new String[] {
          "A".repeat(256),
          "A".repeat(257),
          "a".repeat(256),
          "a".repeat(257),
          "u".repeat(32) + ":" + "1".repeat(10),
          "u".repeat(33),
          "1".repeat(11),
          "a".repeat(64),
          "0123456789abcdef".repeat(4),
          "0123456789ABCDEF".repeat(4),
          "f".repeat(63)
        }) {
      assertThat(Names.isEnvName(text)).as(text).isEqualTo(ENV_NAME.matcher(text).matches());
      assertThat(Names.isLabelKey(text)).as(text).isEqualTo(LABEL_KEY.matcher(text).matches());
      assertThat(Names.isUser(text)).as(text).isEqualTo(USER.matcher(text).matches());
      assertThat(Names.isSha256Hex(text)).as(text).isEqualTo(SHA256.matcher(text).matches());
    }
  }

  @Provide
  Arbitrary<String> texts() {
    return Arbitraries.strings().withChars("aZ_09.-+/: é").ofMinLength(0).ofMaxLength(14);
  }

  @Provide
  Arbitrary<String> ports() {
    return Arbitraries.oneOf(
        Arbitraries.strings().withChars("0123456789/tcpudsx").ofMinLength(0).ofMaxLength(10),
        Arbitraries.integers()
            .between(0, 70000)
            .flatMap(
                n ->
                    Arbitraries.of("", "/tcp", "/udp", "/sctp", "/", "/TCP")
                        .map(protocol -> n + protocol)));
  }
}
