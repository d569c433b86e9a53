package dev.imageci.history;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Map;

/** The history contract on the embedded SQLite store. */
class SqliteHistoryStoreTest extends HistoryStoreContract {

  private Path databaseDirectory() {
    return home;
  }

  @Override
  HistoryStore store() {
    return JdbcHistoryStore.sqlite(databaseDirectory().resolve("history.db"));
  }

  @Override
  Connection connect() throws SQLException {
    return DriverManager.getConnection("jdbc:sqlite:" + databaseDirectory().resolve("history.db"));
  }

  /** Moves the database away and leaves a plain file where its directory was. */
  @Override
  void takeDatabaseDown() throws IOException {
    Path away = home.resolveSibling(home.getFileName() + "-away");
    Files.createDirectories(away);
    for (String suffix : new String[] {"", "-wal", "-shm"}) {
      Path file = home.resolve("history.db" + suffix);
      if (Files.exists(file)) {
        Files.move(file, away.resolve("history.db" + suffix));
      }
    }
    Files.createDirectories(home.resolve("history.db"));
  }

  @Override
  void bringDatabaseBack() throws IOException {
    Path away = home.resolveSibling(home.getFileName() + "-away");
    Files.delete(home.resolve("history.db"));
    try (var files = Files.list(away)) {
      for (Path file : files.toList()) {
        Files.move(file, home.resolve(file.getFileName()));
      }
    }
    Files.delete(away);
  }

  @Override
  Map<String, String> databaseEnvironment() {
    return Map.of();
  }
}
