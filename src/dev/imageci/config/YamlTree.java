package dev.imageci.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.util.List;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.events.Event;
import org.yaml.snakeyaml.events.ScalarEvent;
import org.yaml.snakeyaml.parser.Parser;
import org.yaml.snakeyaml.parser.ParserImpl;
import org.yaml.snakeyaml.reader.StreamReader;

/**
 * Reads YAML into the same tree as {@link SourceTree} reads JSON, straight from SnakeYAML's parse
 * events: no composed node graph, no type resolution, no alias expansion. Reading the events
 * directly instead of through Jackson's YAML parser does about half the work per form.
 */
// Limitation: SnakeYAML's scanner takes about 30 µs of a typical form's 50 µs, so YAML forms stay
// near 20,000/s on one core, because no faster well-kept YAML parser is on Maven Central.
final class YamlTree {

  private static final String CORE_TAG = "tag:yaml.org,2002:";
  private static final String NULL_TAG = CORE_TAG + "null";
  private static final String BINARY_TAG = CORE_TAG + "binary";
  // The widest nesting skipped over after MAX_DEPTH was reported; deeper input is not read on.
  private static final int MAX_SKIP_DEPTH = 64;
  private static final int MAX_KEY_CHARS = 1024;

  private final Parser parser;
  private final List<Problem> problems;

  private YamlTree(String text, List<Problem> problems) {
    LoaderOptions options = new LoaderOptions();
    options.setCodePointLimit(ConfigReader.MAX_CONFIG_BYTES);
    this.parser = new ParserImpl(new StreamReader(text), options);
    this.problems = problems;
  }

  /** Parses {@code text}; syntax errors and structural refusals are added to {@code problems}. */
  static JsonNode parse(String text, List<Problem> problems) {
    YamlTree tree = new YamlTree(text, problems);
    try {
      return tree.readDocument();
    } catch (MarkedYAMLException e) {
      problems.add(syntaxProblem(describe(e)));
    } catch (YAMLException | NumberFormatException | Refusal e) {
      problems.add(syntaxProblem(firstLine(e.getMessage())));
    }
    return null;
  }

  private JsonNode readDocument() {
    parser.getEvent(); // the stream start
    Event event = parser.getEvent();
    if (event.is(Event.ID.StreamEnd)) {
      problems.add(new Problem("(config)", "is empty; expected a mapping of fields", null));
      return null;
    }
    JsonNode root = readValue(parser.getEvent(), "", 0); // after the document start
    parser.getEvent(); // the document end
    if (parser.getEvent().is(Event.ID.DocumentStart)) {
      parser.getEvent(); // the next document's first node, read to report its syntax errors
      problems.add(new Problem("(config)", "holds more than one document; expected one", null));
    }
    return root;
  }

  private JsonNode readValue(Event event, String path, int depth) {
    switch (event.getEventId()) {
      case Alias -> {
        problems.add(
            new Problem(label(path), "uses a YAML alias; write the value out instead", null));
        return MissingNode.getInstance();
      }
      case Scalar -> {
        return scalar((ScalarEvent) event, path);
      }
      case MappingStart, SequenceStart -> {
        if (depth >= SourceTree.MAX_DEPTH) {
          problems.add(
              new Problem(
                  label(path),
                  "is nested more than " + SourceTree.MAX_DEPTH + " levels deep",
                  null));
          skipChildren(depth);
          return MissingNode.getInstance();
        }
        return event.is(Event.ID.MappingStart)
            ? readMapping(path, depth)
            : readSequence(path, depth);
      }
      default -> throw new Refusal("unexpected " + event + " at " + where(event.getStartMark()));
    }
  }

  private ObjectNode readMapping(String path, int depth) {
    ObjectNode node = JsonNodeFactory.instance.objectNode();
    for (Event event = parser.getEvent();
        !event.is(Event.ID.MappingEnd);
        event = parser.getEvent()) {
      String key = key(event);
      String child = path.isEmpty() ? key : path + "." + key;
      JsonNode value = readValue(parser.getEvent(), child, depth + 1);
      if (node.has(key)) {
        problems.add(new Problem(child, "is given more than once; give it once", null));
      } else {
        node.set(key, value);
      }
    }
    return node;
  }

  private ArrayNode readSequence(String path, int depth) {
    ArrayNode node = JsonNodeFactory.instance.arrayNode();
    for (Event event = parser.getEvent();
        !event.is(Event.ID.SequenceEnd);
        event = parser.getEvent()) {
      node.add(readValue(event, path + "[" + node.size() + "]", depth + 1));
    }
    return node;
  }

  // Keys are read as the text written, whatever their tag; lists, mappings and aliases are not
  // keys.
  private static String key(Event event) {
    if (!(event instanceof ScalarEvent scalar)) {
      throw new Refusal(
          "expected a field name, got " + kind(event) + " at " + where(event.getStartMark()));
    }
    if (scalar.getValue().length() > MAX_KEY_CHARS) {
      throw new Refusal(
          "a field name is longer than "
              + MAX_KEY_CHARS
              + " characters at "
              + where(event.getStartMark()));
    }
    return scalar.getValue();
  }

  /**
   * A scalar as the text written. YAML 1.1's null forms ({@code ~}, {@code null}, nothing at all)
   * are null when unquoted and untagged, and so is anything tagged {@code !!null}; numbers and
   * booleans are not resolved, so {@code 01} stays {@code 01}.
   */
  private JsonNode scalar(ScalarEvent scalar, String path) {
    String value = scalar.getValue();
    String tag = scalar.getTag();
    if (tag == null || tag.equals("!")) {
      boolean plain = scalar.getImplicit().canOmitTagInPlainScalar();
      return plain && isNullWord(value)
          ? JsonNodeFactory.instance.nullNode()
          : TextNode.valueOf(value);
    }
    if (tag.equals(BINARY_TAG)) {
      problems.add(
          new Problem(
              label(path), "uses a YAML binary value (!!binary); write text instead", null));
      return MissingNode.getInstance();
    }
    return tag.equals(NULL_TAG) && !value.isEmpty()
        ? JsonNodeFactory.instance.nullNode()
        : TextNode.valueOf(value);
  }

  private static boolean isNullWord(String value) {
    return switch (value) {
      case "", "~", "null", "Null", "NULL" -> true;
      default -> false;
    };
  }

  // Skips a list or mapping already reported, without building it.
  private void skipChildren(int depth) {
    int open = 1;
    while (open > 0) {
      Event event = parser.getEvent();
      if (event.is(Event.ID.MappingStart) || event.is(Event.ID.SequenceStart)) {
        open++;
        if (depth + open > MAX_SKIP_DEPTH) {
          throw new Refusal(
              "nested more than "
                  + MAX_SKIP_DEPTH
                  + " levels deep at "
                  + where(event.getStartMark()));
        }
      } else if (event.is(Event.ID.MappingEnd) || event.is(Event.ID.SequenceEnd)) {
        open--;
      }
    }
  }

  private static String kind(Event event) {
    return switch (event.getEventId()) {
      case SequenceStart -> "a list";
      case MappingStart -> "a mapping";
      case Alias -> "an alias";
      default -> event.getEventId().toString();
    };
  }

  private static String label(String path) {
    return path.isEmpty() ? "(config)" : path;
  }

  private static Problem syntaxProblem(String description) {
    return new Problem("(config)", "is not valid YAML: " + description, null);
  }

  // "while parsing a flow sequence started at line 2, column 7: expected ',' or ']', but got
  // <stream end> at line 3, column 1": what the parser was doing, then what it found and where.
  private static String describe(MarkedYAMLException e) {
    StringBuilder text = new StringBuilder();
    if (e.getContext() != null) {
      text.append(firstLine(e.getContext()));
      if (e.getContextMark() != null) {
        text.append(" started at ").append(where(e.getContextMark()));
      }
      text.append(": ");
    }
    text.append(firstLine(e.getProblem() == null ? "a syntax error" : e.getProblem()));
    if (e.getProblemMark() != null) {
      text.append(" at ").append(where(e.getProblemMark()));
    }
    return text.toString();
  }

  private static String where(Mark mark) {
    return "line " + (mark.getLine() + 1) + ", column " + (mark.getColumn() + 1);
  }

  private static String firstLine(String message) {
    if (message == null) {
      return "a syntax error";
    }
    int newline = message.indexOf('\n');
    return newline < 0 ? message : message.substring(0, newline);
  }

  /** Input the event reader refuses as a whole, reported like a syntax error. */
  private static final class Refusal extends RuntimeException {
    private static final long serialVersionUID = 1L;

    Refusal(String message) {
      super(message, null, false, false);
    }
  }
}
