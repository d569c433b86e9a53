package dev.imageci.history;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SqliteNativeLibraryTest {

  @TempDir Path home;

  @Test
  void theDriverLoadsItsLibraryFromTheKeptCopyWrittenOnce() throws Exception {
    assertThat(SqliteNativeLibrary.nativeFolder())
        .as("this test runs on glibc Linux, as CI does")
        .isNotNull();
    String before = System.getProperty(SqliteNativeLibrary.PATH_PROPERTY);
    System.clearProperty(SqliteNativeLibrary.PATH_PROPERTY);
    try {
      Path directory = home.resolve("native");
      SqliteNativeLibrary.keepIn(directory);
      Path kept = directory.resolve(System.getProperty(SqliteNativeLibrary.NAME_PROPERTY));
      long written = Files.getLastModifiedTime(kept).toMillis();

      System.clearProperty(SqliteNativeLibrary.PATH_PROPERTY);
      Thread.sleep(20);
      SqliteNativeLibrary.keepIn(directory);

      assertThat(System.getProperty(SqliteNativeLibrary.PATH_PROPERTY))
          .isEqualTo(directory.toString());
      assertThat(Files.getLastModifiedTime(kept).toMillis())
          .as("not written again")
          .isEqualTo(written);
      try (Stream<Path> files = Files.list(directory)) {
        assertThat(files).containsExactly(kept);
      }
      try (HistoryStore store = JdbcHistoryStore.sqlite(home.resolve("history.db"))) {
        assertThat(store.find("none")).isEmpty();
      }
    } finally {
      if (before != null) {
        System.setProperty(SqliteNativeLibrary.PATH_PROPERTY, before);
      }
    }
  }
}
