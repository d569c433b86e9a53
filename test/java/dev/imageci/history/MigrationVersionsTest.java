package dev.imageci.history;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class MigrationVersionsTest {

  private static final Pattern SCRIPT = Pattern.compile("V([0-9_]+)__.+\\.sql");

  @Test
  void theKnownVersionsAreExactlyTheMigrationScripts() throws IOException {
    List<String> scripts;
    try (Stream<Path> files = Files.list(Path.of("resources/db/history"))) {
      scripts =
          files
              .map(file -> SCRIPT.matcher(file.getFileName().toString()))
              .filter(Matcher::matches)
              .map(match -> match.group(1).replace('_', '.'))
              .sorted(Comparator.comparing(MigrationVersionsTest::numbers))
              .toList();
    }

    assertThat(scripts).isNotEmpty().isEqualTo(JdbcHistoryStore.MIGRATION_VERSIONS);
  }

  private static String numbers(String version) {
    StringBuilder key = new StringBuilder();
    for (String part : version.split("\\.")) {
      key.append(String.format("%08d", Integer.parseInt(part)));
    }
    return key.toString();
  }
}
