package dev.imageci.render;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads a Dockerfile the way the Docker builder does, for tests: an independent model of moby/
 * buildkit's frontend/dockerfile/parser (parser.go, directives.go, split_command.go,
 * line_parsers.go), the instruction layer's variable expansion (instructions/commands.go) and the
 * shell lexer's word processing (shell/lex.go). It covers what a rendered Dockerfile may contain
 * and throws on anything it does not model, so a test fails rather than passes by accident.
 */
final class ReferenceDockerfileReader {

  /** Go's bufio.MaxScanTokenSize: the scanner's buffer holds a line and its newline. */
  static final int MAX_SCAN_TOKEN = 64 * 1024;

  /**
   * One instruction after parsing and variable expansion. For RUN, CMD and ENTRYPOINT, {@code
   * arguments} is the argv the builder runs: a shell-form command becomes [/bin/sh, -c, command].
   */
  record Instruction(String keyword, List<String> flags, List<String> arguments, boolean json) {}

  record Dockerfile(
      List<String> directives, List<String> comments, List<Instruction> instructions) {}

  /** Thrown where the builder would refuse the Dockerfile. */
  static final class BuildError extends RuntimeException {
    private static final long serialVersionUID = 1L;

    BuildError(String message) {
      super(message);
    }
  }

  private static final Pattern DIRECTIVE =
      Pattern.compile(
          "^([a-zA-Z][a-zA-Z0-9]*)[\\t\\n\\f\\r ]*=[\\t\\n\\f\\r ]*(.+?)[\\t\\n\\f\\r ]*$");
  private static final Set<String> DIRECTIVES = Set.of("syntax", "escape", "check");
  private static final Pattern HEREDOC = Pattern.compile("^(\\d*)<<(-?)\\s*([^<]*)$");
  private static final Pattern INSTRUCTION_SPACE = Pattern.compile("[\\t\\u000B\\f\\r ]+");
  private static final ObjectMapper JSON =
      new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

  private final Map<String, String> env;
  private char escape = '\\';

  private ReferenceDockerfileReader(Map<String, String> baseEnv) {
    this.env = new LinkedHashMap<>(baseEnv);
  }

  /** Reads {@code text}; {@code baseEnv} is the base image's environment, seen by expansion. */
  static Dockerfile read(String text, Map<String, String> baseEnv) {
    return new ReferenceDockerfileReader(baseEnv).parse(text);
  }

  private Dockerfile parse(String text) {
    List<String> lines = scanLines(text);
    List<String> directives = new ArrayList<>();
    List<String> comments = new ArrayList<>();
    List<Instruction> instructions = new ArrayList<>();
    boolean directivesDone = false;
    int i = 0;
    while (i < lines.size()) {
      String raw = trimNewline(lines.get(i));
      if (i == 0 && raw.startsWith("\uFEFF")) {
        raw = raw.substring(1);
      }
      String line = trimLeadingSpace(raw);
      if (!directivesDone) {
        String directive = directive(line);
        if (directive == null) {
          directivesDone = true;
        } else {
          directives.add(directive);
        }
      }
      i++;
      if (isComment(line)) {
        comments.add(line);
        continue;
      }
      Continuation first = continuation(line);
      if (!first.continues && first.text.isEmpty()) {
        continue;
      }
      StringBuilder logical = new StringBuilder(first.text);
      boolean continues = first.continues;
      while (continues && i < lines.size()) {
        String next = trimNewline(lines.get(i));
        i++;
        if (isComment(next)) {
          continue;
        }
        if (trimLeadingSpace(next).isEmpty()) {
          continue;
        }
        Continuation more = continuation(next);
        logical.append(more.text);
        continues = more.continues;
      }
      Instruction instruction = instruction(logical.toString());
      if (List.of("RUN", "ADD", "COPY").contains(instruction.keyword())
          && !instruction.json()
          && logical.indexOf("<<") >= 0) {
        i = skipHeredocs(logical.toString(), lines, i);
        instructions.add(
            new Instruction(
                instruction.keyword(), List.of("heredoc"), instruction.arguments(), false));
      } else {
        instructions.add(instruction);
      }
    }
    if (instructions.isEmpty()) {
      throw new BuildError("file with no instructions");
    }
    return new Dockerfile(directives, comments, instructions);
  }

  // ---- lines (parser.go) -------------------------------------------------------------------

  private static List<String> scanLines(String text) {
    List<String> lines = new ArrayList<>();
    int start = 0;
    while (start < text.length()) {
      int newline = text.indexOf('\n', start);
      int end = newline < 0 ? text.length() : newline + 1;
      String line = text.substring(start, end);
      if (line.getBytes(StandardCharsets.UTF_8).length > MAX_SCAN_TOKEN) {
        throw new BuildError("dockerfile line greater than max allowed size of 65535");
      }
      lines.add(line);
      start = end;
    }
    return lines;
  }

  private static String trimNewline(String line) {
    int end = line.length();
    while (end > 0 && (line.charAt(end - 1) == '\n' || line.charAt(end - 1) == '\r')) {
      end--;
    }
    return line.substring(0, end);
  }

  private static boolean isComment(String line) {
    return trimLeadingSpace(line).startsWith("#");
  }

  private String directive(String line) {
    if (!line.startsWith("#")) {
      return null;
    }
    Matcher match = DIRECTIVE.matcher(trimLeadingSpace(line.substring(1)));
    if (!match.matches() || !DIRECTIVES.contains(match.group(1).toLowerCase())) {
      return null;
    }
    if (match.group(1).equalsIgnoreCase("escape")) {
      if (!match.group(2).equals("`") && !match.group(2).equals("\\")) {
        throw new BuildError("invalid escape token");
      }
      escape = match.group(2).charAt(0);
    }
    return match.group(1).toLowerCase() + "=" + match.group(2);
  }

  private record Continuation(String text, boolean continues) {}

  // The continuation token is the escape token last on the line, after optional blanks.
  private Continuation continuation(String line) {
    int end = line.length();
    while (end > 0 && (line.charAt(end - 1) == ' ' || line.charAt(end - 1) == '\t')) {
      end--;
    }
    if (end > 0 && line.charAt(end - 1) == escape) {
      boolean alone = end == 1;
      boolean afterOther = end >= 2 && line.charAt(end - 2) != escape;
      if (alone || afterOther) {
        return new Continuation(line.substring(0, end - 1), true);
      }
    }
    return new Continuation(line, false);
  }

  private int skipHeredocs(String line, List<String> lines, int next) {
    for (String word : rawWords(line)) {
      Matcher match = HEREDOC.matcher(word);
      if (!match.matches() || match.group(3).isEmpty()) {
        continue;
      }
      String name = match.group(3).replace("\"", "").replace("'", "");
      boolean chomp = match.group(2).equals("-");
      boolean terminated = false;
      while (next < lines.size()) {
        String candidate = trimNewline(lines.get(next));
        next++;
        if (chomp) {
          candidate = candidate.replaceFirst("^\\t+", "");
        }
        if (candidate.equals(name)) {
          terminated = true;
          break;
        }
      }
      if (!terminated) {
        throw new BuildError("unterminated heredoc");
      }
    }
    return next;
  }

  // Words with quotes and escapes kept, as heredocsFromLine lexes them.
  private List<String> rawWords(String line) {
    List<String> words = new ArrayList<>();
    StringBuilder word = new StringBuilder();
    char quote = 0;
    for (int i = 0; i < line.length(); i++) {
      char c = line.charAt(i);
      if (quote == 0 && isSpace(c)) {
        if (word.length() > 0) {
          words.add(word.toString());
          word.setLength(0);
        }
        continue;
      }
      word.append(c);
      if (c == escape && quote != '\'' && i + 1 < line.length()) {
        word.append(line.charAt(++i));
      } else if (quote == 0 && (c == '\'' || c == '"')) {
        quote = c;
      } else if (c == quote) {
        quote = 0;
      }
    }
    if (word.length() > 0) {
      words.add(word.toString());
    }
    return words;
  }

  // ---- instructions (split_command.go, line_parsers.go, instructions) -----------------------

  private Instruction instruction(String line) {
    String trimmed = trimSpace(line);
    String[] parts = INSTRUCTION_SPACE.split(trimmed, 2);
    String keyword = parts[0].toUpperCase();
    List<String> flags = new ArrayList<>();
    String rest = parts.length == 2 ? trimSpace(extractFlags(parts[1], flags)) : "";
    return switch (keyword) {
      case "FROM", "EXPOSE" -> plain(keyword, flags, whitespaceDelimited(rest));
      case "ENV", "LABEL" -> keyValues(keyword, flags, rest);
      case "WORKDIR", "USER" -> {
        if (rest.isEmpty()) {
          throw new BuildError(keyword + " requires exactly one argument");
        }
        yield plain(keyword, flags, List.of(processWord(rest)));
      }
      case "RUN", "CMD", "ENTRYPOINT" -> command(keyword, flags, rest);
      case "VOLUME", "ADD", "COPY" -> list(keyword, flags, rest);
      default -> throw new BuildError("the reference reader does not model " + keyword);
    };
  }

  private static Instruction plain(String keyword, List<String> flags, List<String> arguments) {
    return new Instruction(keyword, flags, arguments, false);
  }

  private String extractFlags(String line, List<String> flags) {
    int pos = 0;
    while (true) {
      while (pos < line.length() && isSpace(line.charAt(pos))) {
        pos++;
      }
      if (!line.startsWith("--", pos)) {
        return line.substring(pos);
      }
      int end = pos;
      while (end < line.length() && !isSpace(line.charAt(end))) {
        end++;
      }
      String flag = line.substring(pos, end);
      if (flag.equals("--")) {
        return line.substring(end);
      }
      flags.add(flag);
      pos = end;
    }
  }

  private static List<String> whitespaceDelimited(String rest) {
    return rest.isEmpty() ? List.of() : List.of(INSTRUCTION_SPACE.split(rest, -1));
  }

  private Instruction keyValues(String keyword, List<String> flags, String rest) {
    List<String> words = parseWords(rest);
    if (words.isEmpty()) {
      throw new BuildError(keyword + " requires at least one argument");
    }
    List<String> arguments = new ArrayList<>();
    if (!words.get(0).contains("=")) {
      String[] parts = INSTRUCTION_SPACE.split(rest, 2);
      if (parts.length < 2) {
        throw new BuildError(keyword + " must have two arguments");
      }
      arguments.add(processWord(parts[0]));
      arguments.add(processWord(parts[1]));
    } else {
      for (String word : words) {
        int equals = word.indexOf('=');
        if (equals < 0) {
          throw new BuildError("Syntax error - can't find = in " + word);
        }
        arguments.add(processWord(word.substring(0, equals)));
        arguments.add(processWord(word.substring(equals + 1)));
      }
    }
    if (keyword.equals("ENV")) {
      for (int i = 0; i < arguments.size(); i += 2) {
        env.put(arguments.get(i), arguments.get(i + 1));
      }
    }
    return plain(keyword, flags, arguments);
  }

  private Instruction command(String keyword, List<String> flags, String rest) {
    if (rest.isEmpty()) {
      return plain(keyword, flags, List.of());
    }
    List<String> json = jsonArray(rest);
    if (json != null) {
      return new Instruction(keyword, flags, json, true);
    }
    return plain(keyword, flags, List.of("/bin/sh", "-c", rest));
  }

  private Instruction list(String keyword, List<String> flags, String rest) {
    List<String> json = jsonArray(rest);
    List<String> raw = json != null ? json : whitespaceDelimited(rest);
    if (raw.isEmpty()) {
      throw new BuildError(keyword + " requires at least one argument");
    }
    List<String> arguments = new ArrayList<>();
    for (String value : raw) {
      String trimmed = keyword.equals("VOLUME") ? trimSpace(value) : value;
      if (trimmed.isEmpty()) {
        throw new BuildError("VOLUME specified can not be an empty string");
      }
      arguments.add(processWord(trimmed));
    }
    return new Instruction(keyword, flags, arguments, json != null);
  }

  /** parseJSON: an array of strings, null when the text is not JSON, an error for non-strings. */
  private static List<String> jsonArray(String rest) {
    String text = trimLeadingSpace(rest);
    if (!text.startsWith("[")) {
      return null;
    }
    JsonNode node;
    try {
      node = JSON.readTree(text);
    } catch (JsonProcessingException e) {
      return null;
    }
    if (!node.isArray()) {
      return null;
    }
    List<String> values = new ArrayList<>();
    for (JsonNode item : node) {
      if (!item.isTextual()) {
        throw new BuildError("when using JSON array syntax, arrays must be comprised of strings");
      }
      values.add(goString(item.asText()));
    }
    return values;
  }

  // Go's JSON decoder turns a lone surrogate into U+FFFD.
  private static String goString(String text) {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (Character.isHighSurrogate(c)
          && i + 1 < text.length()
          && Character.isLowSurrogate(text.charAt(i + 1))) {
        out.append(c).append(text.charAt(++i));
      } else if (Character.isSurrogate(c)) {
        out.append('\uFFFD');
      } else {
        out.append(c);
      }
    }
    return out.toString();
  }

  /** line_parsers.go parseWords: words split at spaces, quotes and escapes kept for later. */
  private List<String> parseWords(String rest) {
    List<String> words = new ArrayList<>();
    int[] chars = rest.codePoints().toArray();
    StringBuilder word = new StringBuilder();
    final int inSpaces = 0;
    final int inWord = 1;
    final int inQuote = 2;
    int phase = inSpaces;
    int quote = 0;
    boolean blankOk = false;
    for (int pos = 0; pos <= chars.length; pos++) {
      int ch = pos < chars.length ? chars[pos] : -1;
      if (phase == inSpaces) {
        if (pos == chars.length) {
          break;
        }
        if (isSpace(ch)) {
          continue;
        }
        phase = inWord;
      }
      if (pos == chars.length) {
        if (blankOk || word.length() > 0) {
          words.add(word.toString());
        }
        break;
      }
      if (phase == inWord) {
        if (isSpace(ch)) {
          phase = inSpaces;
          if (blankOk || word.length() > 0) {
            words.add(word.toString());
          }
          word.setLength(0);
          blankOk = false;
          continue;
        }
        if (ch == '\'' || ch == '"') {
          quote = ch;
          blankOk = true;
          phase = inQuote;
        }
        if (ch == escape) {
          if (pos + 1 == chars.length) {
            continue;
          }
          word.appendCodePoint(ch);
          ch = chars[++pos];
        }
        word.appendCodePoint(ch);
        continue;
      }
      // inQuote
      if (ch == quote) {
        phase = inWord;
      }
      if (ch == escape && quote != '\'') {
        if (pos + 1 == chars.length) {
          phase = inWord;
          continue;
        }
        word.appendCodePoint(ch);
        ch = chars[++pos];
      }
      word.appendCodePoint(ch);
    }
    return words;
  }

  // ---- word processing (shell/lex.go ProcessWord) -------------------------------------------

  private String processWord(String word) {
    return new Lexer(word.codePoints().toArray()).word();
  }

  private final class Lexer {
    private final int[] chars;
    private int pos;

    Lexer(int[] chars) {
      this.chars = chars;
    }

    private int peek() {
      return pos < chars.length ? chars[pos] : -1;
    }

    private int next() {
      return pos < chars.length ? chars[pos++] : -1;
    }

    String word() {
      StringBuilder result = new StringBuilder();
      while (peek() != -1) {
        int ch = peek();
        switch (ch) {
          case '$' -> result.append(dollar());
          case '\'' -> result.append(singleQuoted());
          case '"' -> result.append(doubleQuoted());
          case '<' -> result.append(possibleHeredoc());
          default -> {
            next();
            if (ch == escape) {
              ch = next();
              if (ch == -1) {
                return result.toString();
              }
            }
            result.appendCodePoint(ch);
          }
        }
      }
      return result.toString();
    }

    private String singleQuoted() {
      next();
      StringBuilder result = new StringBuilder();
      while (true) {
        int ch = next();
        if (ch == -1) {
          throw new BuildError(
              "unexpected end of statement while looking for matching single-quote");
        }
        if (ch == '\'') {
          return result.toString();
        }
        result.appendCodePoint(ch);
      }
    }

    private String doubleQuoted() {
      next();
      StringBuilder result = new StringBuilder();
      while (true) {
        int ch = peek();
        if (ch == -1) {
          throw new BuildError(
              "unexpected end of statement while looking for matching double-quote");
        }
        if (ch == '"') {
          next();
          return result.toString();
        }
        if (ch == '$') {
          result.append(dollar());
          continue;
        }
        ch = next();
        if (ch == escape) {
          int after = peek();
          if (after == -1) {
            continue;
          }
          if (after == '"' || after == '$' || after == escape) {
            ch = next();
          }
        }
        result.appendCodePoint(ch);
      }
    }

    private String possibleHeredoc() {
      next();
      if (peek() != '<') {
        return "<";
      }
      next();
      StringBuilder result = new StringBuilder("<<");
      while (peek() == '\t' || peek() == '\r' || peek() == ' ') {
        result.appendCodePoint(next());
      }
      return result.toString();
    }

    private String dollar() {
      next();
      if (peek() != '{') {
        String name = name();
        return name.isEmpty() ? "$" : env.getOrDefault(name, "");
      }
      next();
      int first = peek();
      if (first == -1 || first == '{' || first == '}' || first == ':') {
        throw new BuildError("syntax error: bad substitution");
      }
      String name = name();
      int ch = next();
      if (ch == '}') {
        return env.getOrDefault(name, "");
      }
      // ${name:-word} and the other modifiers: a rendered Dockerfile never needs them.
      throw new BuildError("the reference reader does not model ${" + name + (char) ch);
    }

    private String name() {
      StringBuilder name = new StringBuilder();
      while (peek() != -1) {
        int ch = peek();
        if (name.length() == 0 && Character.isDigit(ch)) {
          while (peek() != -1 && Character.isDigit(peek())) {
            name.appendCodePoint(next());
          }
          return name.toString();
        }
        if (name.length() == 0 && "@*#?-$!0".indexOf(ch) >= 0) {
          return Character.toString(next());
        }
        if (!Character.isLetter(ch) && !Character.isDigit(ch) && ch != '_') {
          break;
        }
        name.appendCodePoint(next());
      }
      return name.toString();
    }
  }

  // ---- Go's unicode.IsSpace and strings.TrimSpace -------------------------------------------

  static boolean isSpace(int c) {
    if (c <= 0xFF) {
      return c == '\t' || c == '\n' || c == 0x0B || c == '\f' || c == '\r' || c == ' ' || c == 0x85
          || c == 0xA0;
    }
    return Character.isSpaceChar(c); // Zs, Zl and Zp: Unicode's White_Space above Latin-1
  }

  static String trimLeadingSpace(String text) {
    int start = 0;
    while (start < text.length() && isSpace(text.codePointAt(start))) {
      start += Character.charCount(text.codePointAt(start));
    }
    return text.substring(start);
  }

  static String trimSpace(String text) {
    String left = trimLeadingSpace(text);
    int end = left.length();
    while (end > 0 && isSpace(left.codePointBefore(end))) {
      end -= Character.charCount(left.codePointBefore(end));
    }
    return left.substring(0, end);
  }
}
