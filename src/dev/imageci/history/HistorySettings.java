package dev.imageci.history;

import java.nio.file.Path;
import java.util.Map;

/**
 * Where the history lives, from the environment: {@code IMAGECI_DB_URL} (with {@code
 * IMAGECI_DB_USER} and {@code IMAGECI_DB_PASSWORD}) names a shared PostgreSQL; without it the
 * history is the SQLite file {@code history.db} in {@code IMAGECI_HOME} (default {@code
 * ~/.imageci}). The spool is always local: {@code IMAGECI_HOME/spool}.
 */
public record HistorySettings(Path home, String dbUrl, String dbUser, String dbPassword) {

  public static HistorySettings fromEnvironment(Map<String, String> env) {
    String home = blankToNull(env.get("IMAGECI_HOME"));
    Path homeDir =
        home != null ? Path.of(home) : Path.of(System.getProperty("user.home"), ".imageci");
    return new HistorySettings(
        homeDir,
        blankToNull(env.get("IMAGECI_DB_URL")),
        blankToNull(env.get("IMAGECI_DB_USER")),
        env.get("IMAGECI_DB_PASSWORD"));
  }

  public Path sqliteFile() {
    return home.resolve("history.db");
  }

  public Path spoolDirectory() {
    return home.resolve("spool");
  }

  public HistoryStore openStore() {
    return dbUrl == null
        ? JdbcHistoryStore.sqlite(sqliteFile())
        : JdbcHistoryStore.postgres(dbUrl, dbUser, dbPassword);
  }

  private static String blankToNull(String value) {
    return value == null || value.isBlank() ? null : value.strip();
  }

  /** Never shows the password. */
  @Override
  public String toString() {
    return "HistorySettings[home="
        + home
        + ", dbUrl="
        + dbUrl
        + ", dbUser="
        + dbUser
        + ", dbPassword="
        + (dbPassword == null ? "none" : "(hidden)")
        + "]";
  }
}
