package dev.imageci.history;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.stream.Collectors;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;

/**
 * The history in a SQL database: an embedded SQLite file, or a shared PostgreSQL. The same SQL
 * serves both, and every operation is one statement, so no lock is held for long.
 *
 * <p>SQLite opens its own connection per operation (opening a file is cheap). PostgreSQL keeps one
 * connection between operations, because opening one (TCP and SCRAM authentication) costs more than
 * the queries themselves; a kept connection that broke or sat idle too long is replaced, so a
 * database that goes away between two operations is still noticed by the next one.
 */
public final class JdbcHistoryStore implements HistoryStore {

  /** Where the migrations are, one set for both databases. */
  static final String MIGRATIONS = "classpath:db/history";

  static final String SCHEMA_TABLE = "imageci_schema_history";

  private static final String SQLITE = "jdbc:sqlite:";

  /** The versions of the migrations in {@link #MIGRATIONS}; a test keeps the two the same. */
  static final List<String> MIGRATION_VERSIONS = List.of("1", "1.1");

  /** How long a SQLite writer waits for another process's write to finish. */
  static final int SQLITE_BUSY_TIMEOUT_MS = 30_000;

  /**
   * How long a kept connection may sit idle before it is replaced rather than reused: a firewall
   * may drop an idle connection without a word, and a query on it would then wait for the socket
   * timeout.
   */
  static final long KEPT_IDLE_NANOS = TimeUnit.SECONDS.toNanos(30);

  /** How long the check of a kept connection that just failed may take. */
  private static final int VALIDITY_CHECK_SECONDS = 2;

  private static final Object MIGRATION_LOCK = new Object();

  private static final List<String> COLUMNS =
      List.of(
          "id",
          "image",
          "tags",
          "auto_tag",
          "digest",
          "prior_digest",
          "image_id",
          "size",
          "config",
          "dockerfile",
          "config_hash",
          "rootfs_sha256",
          "rootfs_size",
          "status",
          "error",
          "started_at",
          "ended_at",
          "deadline",
          "triggered_by",
          "job_name",
          "build_number",
          "build_url",
          "request_id",
          "log_url",
          "remarks",
          "host",
          "owner_pid",
          "owner_started_at");

  /** Every column but the two long texts, which a listing leaves out (read back as null). */
  private static final String SUMMARY_COLUMNS =
      COLUMNS.stream()
          .map(c -> c.equals("config") || c.equals("dockerfile") ? "NULL AS " + c : c)
          .collect(Collectors.joining(", "));

  private static final String UPSERT =
      "INSERT INTO builds ("
          + String.join(", ", COLUMNS)
          + ") VALUES ("
          + COLUMNS.stream().map(c -> "?").collect(Collectors.joining(", "))
          + ") ON CONFLICT (id) DO UPDATE SET "
          + COLUMNS.stream()
              .skip(1)
              .map(c -> c + " = excluded." + c)
              .collect(Collectors.joining(", "))
          // A late "running" (from a spool) never undoes a finished record.
          + " WHERE builds.status = 'running' OR excluded.status <> 'running'";

  // Limitation: a new image's sequence starts at 01 even when the registry already has numbered
  // tags, because the history does not read the registry's tag list.
  private static final String NEXT_TAG =
      "INSERT INTO tag_sequences (image, last_number) VALUES (?, 1)"
          + " ON CONFLICT (image) DO UPDATE SET last_number = tag_sequences.last_number + 1"
          + " RETURNING last_number";

  private final String url;
  private final Properties properties;
  private final String description;
  private final Path migrationLockFile;
  private final boolean keepConnection;
  private final ReentrantLock keptLock = new ReentrantLock();
  private Connection kept; // guarded by keptLock
  private long keptUsedAt; // System.nanoTime(), guarded by keptLock
  private volatile boolean migrated;

  private JdbcHistoryStore(
      String url,
      Properties properties,
      String description,
      Path migrationLockFile,
      boolean keepConnection) {
    this.url = url;
    this.properties = properties;
    this.description = description;
    this.migrationLockFile = migrationLockFile;
    this.keepConnection = keepConnection;
  }

  /**
   * An embedded SQLite history in {@code file}, in WAL mode so readers never wait for a writer,
   * with a busy timeout so concurrent writers from other processes queue instead of failing.
   */
  public static JdbcHistoryStore sqlite(Path file) {
    Path absolute = file.toAbsolutePath();
    SqliteNativeLibrary.keepIn(absolute.resolveSibling("native"));
    Properties properties = new Properties();
    properties.setProperty("journal_mode", "WAL");
    properties.setProperty("synchronous", "NORMAL");
    properties.setProperty("busy_timeout", Integer.toString(SQLITE_BUSY_TIMEOUT_MS));
    return new JdbcHistoryStore(
        SQLITE + absolute,
        properties,
        "SQLite " + absolute,
        absolute.resolveSibling(absolute.getFileName() + ".migrate.lock"),
        false);
  }

  /** A shared PostgreSQL history; {@code user} and {@code password} may be null. */
  public static JdbcHistoryStore postgres(String url, String user, String password) {
    if (url == null || !url.startsWith("jdbc:postgresql:")) {
      throw new IllegalArgumentException(
          "IMAGECI_DB_URL must be a PostgreSQL JDBC URL such as"
              + " jdbc:postgresql://db.example.com:5432/imageci (got \""
              + url
              + "\")");
    }
    Properties properties = new Properties();
    if (user != null) {
      properties.setProperty("user", user);
    }
    if (password != null) {
      properties.setProperty("password", password);
    }
    // Fail fast when the database is away: the record then goes to the spool.
    properties.setProperty("connectTimeout", "5");
    properties.setProperty("loginTimeout", "10");
    properties.setProperty("socketTimeout", "60");
    return new JdbcHistoryStore(url, properties, "PostgreSQL " + withoutQuery(url), null, true);
  }

  private static String withoutQuery(String url) {
    int query = url.indexOf('?');
    return query < 0 ? url : url.substring(0, query);
  }

  @Override
  public String describe() {
    return description;
  }

  @Override
  public void save(BuildRecord record) throws HistoryException {
    try {
      withConnection(
          connection -> {
            try (PreparedStatement statement = connection.prepareStatement(UPSERT)) {
              bind(statement, record);
              return statement.executeUpdate();
            }
          });
    } catch (SQLException e) {
      throw failure("save build " + record.id(), e);
    }
  }

  @Override
  public Optional<BuildRecord> find(String id) throws HistoryException {
    List<BuildRecord> found = select("SELECT * FROM builds WHERE id = ?", "find build " + id, id);
    return found.stream().findFirst();
  }

  @Override
  public List<BuildRecord> list(HistoryQuery query) throws HistoryException {
    String columns = query.withTexts() ? "*" : SUMMARY_COLUMNS;
    StringBuilder sql = new StringBuilder("SELECT " + columns + " FROM builds WHERE 1 = 1");
    List<Object> arguments = new ArrayList<>();
    if (query.image() != null) {
      sql.append(" AND image = ?");
      arguments.add(query.image());
    }
    if (query.status() != null) {
      sql.append(" AND status = ?");
      arguments.add(query.status().word());
    }
    sql.append(" ORDER BY started_at DESC, id DESC LIMIT ?");
    arguments.add(query.limit());
    return select(sql.toString(), "list builds", arguments.toArray());
  }

  @Override
  public List<BuildRecord> running() throws HistoryException {
    return select(
        "SELECT * FROM builds WHERE status = ? ORDER BY started_at, id",
        "list running builds",
        BuildStatus.RUNNING.word());
  }

  @Override
  public Optional<BuildRecord> latestReusable(String image, String configHash, String rootfsSha256)
      throws HistoryException {
    String rootfsMatch = rootfsSha256 == null ? "rootfs_sha256 IS NULL" : "rootfs_sha256 = ?";
    String sql =
        "SELECT * FROM builds WHERE image = ? AND config_hash = ? AND "
            + rootfsMatch
            + " AND status IN (?, ?) AND digest IS NOT NULL"
            + " ORDER BY started_at DESC, id DESC LIMIT 1";
    List<Object> arguments = new ArrayList<>(List.of(image, configHash));
    if (rootfsSha256 != null) {
      arguments.add(rootfsSha256);
    }
    arguments.add(BuildStatus.SUCCEEDED.word());
    arguments.add(BuildStatus.REUSED.word());
    return select(sql, "find a reusable build of " + image, arguments.toArray()).stream()
        .findFirst();
  }

  @Override
  public long nextTagNumber(String image) throws HistoryException {
    try {
      Long number =
          withConnection(
              connection -> {
                try (PreparedStatement statement = connection.prepareStatement(NEXT_TAG)) {
                  statement.setString(1, image);
                  try (ResultSet result = statement.executeQuery()) {
                    return result.next() ? result.getLong(1) : null;
                  }
                }
              });
      if (number == null) {
        throw new HistoryException("the tag sequence of " + image + " returned no number");
      }
      return number;
    } catch (SQLException e) {
      throw failure("take the next automatic tag of " + image, e);
    }
  }

  @Override
  public void close() {
    keptLock.lock();
    try {
      discardKept();
    } finally {
      keptLock.unlock();
    }
  }

  private List<BuildRecord> select(String sql, String what, Object... arguments)
      throws HistoryException {
    try {
      return withConnection(
          connection -> {
            try (PreparedStatement statement = connection.prepareStatement(sql)) {
              for (int i = 0; i < arguments.length; i++) {
                statement.setObject(i + 1, arguments[i]);
              }
              List<BuildRecord> records = new ArrayList<>();
              try (ResultSet result = statement.executeQuery()) {
                while (result.next()) {
                  records.add(read(result));
                }
              }
              return records;
            }
          });
    } catch (SQLException e) {
      throw failure(what, e);
    }
  }

  private HistoryException failure(String what, SQLException e) {
    return new HistoryException(
        "cannot " + what + " in the history (" + description + "): " + e.getMessage(), e);
  }

  /** One statement's work on a connection. */
  private interface Operation<T> {
    T run(Connection connection) throws SQLException;
  }

  /**
   * Runs {@code operation} on the kept connection (PostgreSQL) or on a connection of its own
   * (SQLite, or while another thread of this process holds the kept one, such as a shutdown hook
   * recording a cancelled build). A kept connection that fails and turns out broken is replaced and
   * the operation tried once more on a new one; every statement here is safe to repeat (an upsert
   * or a read; a repeated tag number leaves a gap, never a duplicate).
   */
  private <T> T withConnection(Operation<T> operation) throws SQLException, HistoryException {
    if (!keepConnection || !keptLock.tryLock()) {
      try (Connection connection = connect()) {
        return operation.run(connection);
      }
    }
    try {
      if (kept != null && System.nanoTime() - keptUsedAt > KEPT_IDLE_NANOS) {
        discardKept();
      }
      boolean reused = kept != null;
      if (kept == null) {
        kept = connect();
      }
      try {
        T result = operation.run(kept);
        keptUsedAt = System.nanoTime();
        return result;
      } catch (SQLException e) {
        if (isUsable(kept)) {
          keptUsedAt = System.nanoTime();
          throw e; // the statement failed, not the connection
        }
        discardKept();
        if (!reused) {
          throw e;
        }
        kept = connect();
        T result = operation.run(kept);
        keptUsedAt = System.nanoTime();
        return result;
      }
    } finally {
      keptLock.unlock();
    }
  }

  private static boolean isUsable(Connection connection) {
    try {
      return !connection.isClosed() && connection.isValid(VALIDITY_CHECK_SECONDS);
    } catch (SQLException e) {
      return false;
    }
  }

  private void discardKept() {
    if (kept == null) {
      return;
    }
    try {
      kept.close();
    } catch (SQLException e) {
      // already broken; nothing is lost by dropping it
    }
    kept = null;
  }

  private Connection connect() throws SQLException, HistoryException {
    if (!migrated) {
      migrated = schemaIsCurrent();
    }
    if (!migrated) {
      migrate();
    }
    return DriverManager.getConnection(url, properties);
  }

  /**
   * Whether every migration imageci carries has been applied, so Flyway (about half a second of
   * start-up) need not run. Any doubt, such as no schema table yet, leaves the answer to Flyway.
   */
  // Limitation: an applied migration edited since is only noticed when Flyway runs, because this
  // compares versions, not checksums; released migrations are never edited.
  private boolean schemaIsCurrent() {
    if (url.startsWith(SQLITE) && !Files.exists(Path.of(url.substring(SQLITE.length())))) {
      return false; // a new database is made under Flyway's lock
    }
    Set<String> applied = new HashSet<>();
    try (Connection connection = DriverManager.getConnection(url, properties);
        Statement statement = connection.createStatement();
        ResultSet rows =
            statement.executeQuery("SELECT version FROM " + SCHEMA_TABLE + " WHERE success")) {
      while (rows.next()) {
        applied.add(rows.getString(1));
      }
    } catch (SQLException e) {
      return false;
    }
    return applied.equals(Set.copyOf(MIGRATION_VERSIONS));
  }

  /** Brings the schema up to date; safe to run from several processes at once. */
  void migrate() throws HistoryException {
    quietFlywayLogs();
    Flyway flyway =
        Flyway.configure(JdbcHistoryStore.class.getClassLoader())
            .dataSource(url, properties.getProperty("user"), properties.getProperty("password"))
            .locations(MIGRATIONS)
            .table(SCHEMA_TABLE)
            .connectRetries(0)
            .load();
    try {
      if (migrationLockFile == null) {
        flyway.migrate(); // PostgreSQL: Flyway takes an advisory lock itself
      } else {
        migrateHoldingFileLock(flyway);
      }
      migrated = true;
    } catch (FlywayException e) {
      throw new HistoryException(
          "cannot prepare the history schema (" + description + "): " + rootMessage(e), e);
    }
  }

  /**
   * SQLite has no lock Flyway can take across processes, so the first migration is serialized with
   * a lock file next to the database.
   */
  private void migrateHoldingFileLock(Flyway flyway) throws HistoryException {
    synchronized (MIGRATION_LOCK) {
      try {
        Files.createDirectories(migrationLockFile.getParent());
        try (FileChannel channel =
                FileChannel.open(
                    migrationLockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            FileLock lock = channel.lock()) {
          flyway.migrate();
          // Switching to WAL needs the database to itself once; it stays switched after that.
          DriverManager.getConnection(url, properties).close();
        }
      } catch (SQLException e) {
        throw new HistoryException(
            "cannot open the history (" + description + "): " + e.getMessage(), e);
      } catch (IOException e) {
        throw new HistoryException(
            "cannot lock " + migrationLockFile + " to prepare the history: " + e.getMessage(), e);
      }
    }
  }

  /** Flyway wraps the driver's one-line reason in a banner; the reason is what people need. */
  private static String rootMessage(Throwable e) {
    Throwable cause = e;
    while (cause.getCause() != null && cause.getCause() != cause) {
      cause = cause.getCause();
    }
    String message = cause.getMessage() == null ? cause.toString() : cause.getMessage();
    return message.lines().findFirst().orElse(message).strip();
  }

  private static void quietFlywayLogs() {
    // Flyway reports every validation at info; imageci's users need only its warnings.
    if (System.getProperty("org.slf4j.simpleLogger.log.org.flywaydb") == null) {
      System.setProperty("org.slf4j.simpleLogger.log.org.flywaydb", "warn");
    }
  }

  private static void bind(PreparedStatement statement, BuildRecord record) throws SQLException {
    int i = 1;
    statement.setString(i++, record.id());
    statement.setString(i++, record.image());
    statement.setString(i++, String.join(",", record.tags()));
    statement.setString(i++, record.autoTag());
    statement.setString(i++, record.digest());
    statement.setString(i++, record.priorDigest());
    statement.setString(i++, record.imageId());
    setLong(statement, i++, record.size());
    statement.setString(i++, record.config());
    statement.setString(i++, record.dockerfile());
    statement.setString(i++, record.configHash());
    statement.setString(i++, record.rootfsSha256());
    setLong(statement, i++, record.rootfsSize());
    statement.setString(i++, record.status().word());
    statement.setString(i++, record.error());
    setLong(statement, i++, millis(record.startedAt()));
    setLong(statement, i++, millis(record.endedAt()));
    setLong(statement, i++, millis(record.deadline()));
    statement.setString(i++, record.triggeredBy());
    statement.setString(i++, record.jobName());
    statement.setString(i++, record.buildNumber());
    statement.setString(i++, record.buildUrl());
    statement.setString(i++, record.requestId());
    statement.setString(i++, record.logUrl());
    statement.setString(i++, record.remarks());
    statement.setString(i++, record.host());
    statement.setLong(i++, record.ownerPid());
    setLong(statement, i, millis(record.ownerStartedAt()));
  }

  private static BuildRecord read(ResultSet row) throws SQLException {
    String tags = row.getString("tags");
    return BuildRecord.builder()
        .id(row.getString("id"))
        .image(row.getString("image"))
        .tags(tags == null || tags.isEmpty() ? List.of() : Arrays.asList(tags.split(",")))
        .autoTag(row.getString("auto_tag"))
        .digest(row.getString("digest"))
        .priorDigest(row.getString("prior_digest"))
        .imageId(row.getString("image_id"))
        .size(getLong(row, "size"))
        .config(row.getString("config"))
        .dockerfile(row.getString("dockerfile"))
        .configHash(row.getString("config_hash"))
        .rootfsSha256(row.getString("rootfs_sha256"))
        .rootfsSize(getLong(row, "rootfs_size"))
        .status(BuildStatus.parse(row.getString("status")))
        .error(row.getString("error"))
        .startedAt(instant(getLong(row, "started_at")))
        .endedAt(instant(getLong(row, "ended_at")))
        .deadline(instant(getLong(row, "deadline")))
        .triggeredBy(row.getString("triggered_by"))
        .jobName(row.getString("job_name"))
        .buildNumber(row.getString("build_number"))
        .buildUrl(row.getString("build_url"))
        .requestId(row.getString("request_id"))
        .logUrl(row.getString("log_url"))
        .remarks(row.getString("remarks"))
        .host(row.getString("host"))
        .ownerPid(row.getLong("owner_pid"))
        .ownerStartedAt(instant(getLong(row, "owner_started_at")))
        .build();
  }

  private static void setLong(PreparedStatement statement, int index, Long value)
      throws SQLException {
    if (value == null) {
      statement.setNull(index, Types.BIGINT);
    } else {
      statement.setLong(index, value);
    }
  }

  private static Long getLong(ResultSet row, String column) throws SQLException {
    long value = row.getLong(column);
    return row.wasNull() ? null : value;
  }

  private static Long millis(Instant instant) {
    return instant == null ? null : instant.toEpochMilli();
  }

  private static Instant instant(Long millis) {
    return millis == null ? null : Instant.ofEpochMilli(millis);
  }
}
