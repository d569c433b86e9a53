package dev.imageci.config;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.io.IOException;
import java.util.List;

/**
 * Reads YAML or JSON into a tree whose scalars keep the exact text the user wrote.
 *
 * <p>Binding through Jackson's typed nodes would turn YAML {@code tag: 01} into the number 1 and
 * {@code VERSION: 1.10} into 1.1. Here every scalar stays a string, duplicate keys and YAML aliases
 * are reported instead of silently resolved, and nesting is capped. A value refused here becomes a
 * {@link MissingNode}, which the reader skips without a second problem.
 */
final class SourceTree {

  static final int MAX_DEPTH = 8;
  private static final JsonFactory JSON =
      JsonFactory.builder().streamReadConstraints(limits()).build();

  private SourceTree() {}

  /** Parses {@code text}; syntax errors and structural refusals are added to {@code problems}. */
  static JsonNode parse(String text, boolean json, List<Problem> problems) {
    return json ? parseJson(text, problems) : YamlTree.parse(text, problems);
  }

  private static JsonNode parseJson(String text, List<Problem> problems) {
    try (JsonParser parser = JSON.createParser(text)) {
      JsonToken first = parser.nextToken();
      if (first == null) {
        problems.add(new Problem("(config)", "is empty; expected a mapping of fields", null));
        return null;
      }
      JsonNode root = readValue(parser, "", 0, problems);
      if (parser.nextToken() != null) {
        problems.add(new Problem("(config)", "holds more than one document; expected one", null));
      }
      return root;
    } catch (JsonProcessingException e) {
      problems.add(new Problem("(config)", "is not valid JSON: " + describe(e), null));
      return null;
    } catch (IOException e) {
      problems.add(new Problem("(config)", "could not be read: " + e.getMessage(), null));
      return null;
    }
  }

  private static JsonNode readValue(
      JsonParser parser, String path, int depth, List<Problem> problems) throws IOException {
    JsonToken token = parser.currentToken();
    if (token == JsonToken.START_OBJECT || token == JsonToken.START_ARRAY) {
      if (depth >= MAX_DEPTH) {
        problems.add(
            new Problem(label(path), "is nested more than " + MAX_DEPTH + " levels deep", null));
        parser.skipChildren();
        return MissingNode.getInstance();
      }
      return token == JsonToken.START_OBJECT
          ? readObject(parser, path, depth, problems)
          : readArray(parser, path, depth, problems);
    }
    if (token == JsonToken.VALUE_NULL) {
      return JsonNodeFactory.instance.nullNode();
    }
    // Numbers and booleans keep their source text: "01" stays "01", "1.10" stays "1.10".
    return TextNode.valueOf(parser.getText());
  }

  private static ObjectNode readObject(
      JsonParser parser, String path, int depth, List<Problem> problems) throws IOException {
    ObjectNode node = JsonNodeFactory.instance.objectNode();
    while (parser.nextToken() == JsonToken.FIELD_NAME) {
      String key = parser.currentName();
      String child = path.isEmpty() ? key : path + "." + key;
      parser.nextToken();
      JsonNode value = readValue(parser, child, depth + 1, problems);
      if (node.has(key)) {
        problems.add(new Problem(child, "is given more than once; give it once", null));
      } else {
        node.set(key, value);
      }
    }
    return node;
  }

  private static ArrayNode readArray(
      JsonParser parser, String path, int depth, List<Problem> problems) throws IOException {
    ArrayNode node = JsonNodeFactory.instance.arrayNode();
    while (parser.nextToken() != JsonToken.END_ARRAY) {
      node.add(readValue(parser, path + "[" + node.size() + "]", depth + 1, problems));
    }
    return node;
  }

  private static String label(String path) {
    return path.isEmpty() ? "(config)" : path;
  }

  private static String describe(JsonProcessingException e) {
    String message = e.getOriginalMessage();
    int newline = message.indexOf('\n');
    if (newline >= 0) {
      message = message.substring(0, newline);
    }
    if (e.getLocation() != null && e.getLocation().getLineNr() > 0) {
      message +=
          " at line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr();
    }
    return message;
  }

  private static StreamReadConstraints limits() {
    return StreamReadConstraints.builder()
        .maxNestingDepth(64)
        .maxStringLength(ConfigReader.MAX_CONFIG_BYTES)
        .maxNameLength(1024)
        .build();
  }
}
