package dev.imageci.render;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonFactoryBuilder;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.io.CharacterEscapes;
import com.fasterxml.jackson.core.io.SerializedString;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.List;

/**
 * Every escape the Dockerfile needs, in one place. Each method turns a validated form value into
 * the text of exactly one instruction argument, so that no value can end its own instruction, start
 * another, or be changed by the builder's variable expansion.
 *
 * <p>Rules from https://docs.docker.com/reference/dockerfile/ ("Environment replacement", "Shell
 * and exec form", "Parser directives").
 */
final class DockerfileSyntax {

  // The streaming generator alone: databind's ObjectMapper would load some 400 more classes at
  // start-up to write what is only ever a list of strings.
  private static final JsonFactory JSON =
      new JsonFactoryBuilder().characterEscapes(new LineSafeEscapes()).build();

  private DockerfileSyntax() {}

  /**
   * A value for ENV, LABEL, WORKDIR or VOLUME, where the builder expands {@code $VAR} and removes
   * quotes: double-quoted with {@code \ " $} escaped, so the image gets the value literally.
   */
  static String word(String value) {
    if (isPlainWord(value)) {
      return value;
    }
    StringBuilder quoted = new StringBuilder(value.length() + 2).append('"');
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c == '\\' || c == '"' || c == '$') {
        quoted.append('\\');
      }
      quoted.append(c);
    }
    return quoted.append('"').toString();
  }

  // Only characters that mean nothing to the builder's word processing (not quotes, '$', '\',
  // spaces): [A-Za-z0-9_./@+=,:%-]+, checked by hand as it runs for every value rendered.
  private static boolean isPlainWord(String value) {
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      boolean plain =
          (c >= 'a' && c <= 'z')
              || (c >= 'A' && c <= 'Z')
              || (c >= '0' && c <= '9')
              || "_./@+=,:%-".indexOf(c) >= 0;
      if (!plain) {
        return false;
      }
    }
    return !value.isEmpty();
  }

  /** {@code key=value} for ENV and LABEL; keys are validated to plain names. */
  static String keyValue(String key, String value) {
    return key + "=" + word(value);
  }

  /** A JSON array for the exec form of RUN, ENTRYPOINT, CMD and for VOLUME. */
  static String execForm(List<String> arguments) {
    StringWriter out = new StringWriter();
    try (JsonGenerator json = JSON.createGenerator(out)) {
      json.writeStartArray();
      for (String argument : arguments) {
        json.writeString(argument);
      }
      json.writeEndArray();
    } catch (IOException e) {
      throw new UncheckedIOException("writing to a string cannot fail", e);
    }
    return out.toString();
  }

  /**
   * The argument of one RUN instruction. A one-line command that the Dockerfile parser reads back
   * unchanged stays in shell form; anything else runs as the exact script through {@code /bin/sh
   * -c} in exec form, so the shell sees what the user typed. The parser would change a shell-form
   * command that spans lines, ends in a backslash (line continuation), starts with '[' (read as
   * JSON), '-' (read as a builder flag such as --mount) or '#', holds {@code <<} (read as a
   * heredoc), or starts or ends with a character Go's {@code unicode.IsSpace} trims.
   */
  static String run(String command) {
    // Limitation: exec form ignores a base image's SHELL, because it names its program itself.
    boolean shellFormSafe =
        !command.isEmpty()
            && command.indexOf('\n') < 0
            && command.indexOf('\t') < 0
            && !isParserSpace(command.codePointAt(0))
            && !isParserSpace(command.codePointBefore(command.length()))
            && !command.startsWith("[")
            && !command.startsWith("-")
            && !command.startsWith("#")
            && !command.endsWith("\\")
            && !command.contains("<<");
    return shellFormSafe ? command : execForm(List.of("/bin/sh", "-c", command));
  }

  /**
   * Whether the Dockerfile parser trims {@code c} around arguments: Go's {@code unicode.IsSpace},
   * which unlike Java's {@code isWhitespace} includes the no-break spaces U+00A0, U+2007, U+202F.
   */
  static boolean isParserSpace(int c) {
    return switch (c) {
      case '\t',
          '\n',
          0x0B,
          '\f',
          '\r',
          ' ',
          0x85,
          0xA0,
          0x1680,
          0x2028,
          0x2029,
          0x202F,
          0x205F,
          0x3000 ->
          true;
      default -> c >= 0x2000 && c <= 0x200A;
    };
  }

  /** Comment lines for a multi-line remark; each line is inert after '#'. */
  static List<String> comment(String text) {
    return text.lines().map(line -> line.isEmpty() ? "#" : "# " + line).toList();
  }

  /** JSON escapes plus the Unicode line and paragraph separators, which some readers break on. */
  private static final class LineSafeEscapes extends CharacterEscapes {
    private static final long serialVersionUID = 1L;
    private final int[] ascii = standardAsciiEscapesForJSON();

    @Override
    public int[] getEscapeCodesForAscii() {
      return ascii;
    }

    @Override
    public SerializableString getEscapeSequence(int c) {
      if (c == 0x2028 || c == 0x2029 || c == 0x85) {
        return new SerializedString(String.format("\\u%04x", c));
      }
      return null;
    }
  }
}
