package dev.imageci.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.imageci.history.HistoryQuery;
import dev.imageci.history.HistoryStore;
import dev.imageci.history.JdbcHistoryStore;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;

/**
 * History query latency at many records, in SQLite and in PostgreSQL, through the history store's
 * own queries ({@link HistoryStore#list} and {@link HistoryStore#find}): the latest 50 records of
 * one image as the history's listing reads them (without config and Dockerfile texts, which only
 * the page of one record shows), and one record by id with every field. The rows are loaded in bulk
 * with plain SQL (a batch in one transaction for SQLite, COPY for PostgreSQL) into the schema the
 * store creates. The same queries are also timed as bare SQL on one open connection, which
 * separates the cost of the query from what the store adds around it. Writes a JSON summary for
 * bench/harness.py.
 *
 * <p>Options: {@code --records N --queries N --sqlite FILE --out FILE}; PostgreSQL from {@code
 * IMAGECI_TEST_DB_URL}, {@code _USER} and {@code _PASSWORD}, in a schema of its own that is dropped
 * afterwards.
 */
public final class HistoryBench {

  private static final String COLUMNS =
      "id, image, tags, digest, image_id, size, config, dockerfile, config_hash, status,"
          + " started_at, ended_at, deadline, triggered_by, job_name, build_number, build_url,"
          + " host, owner_pid";
  private static final int COLUMN_COUNT = COLUMNS.split(",").length;
  private static final int IMAGES = 1000;
  // One image holds a tenth of all records: the worst case for "the latest 50 of one image".
  private static final int BIG_IMAGE = 0;
  private static final long START = 1_700_000_000_000L;
  private static final String CONFIG =
      "image: registry.example.com/team/app\\nfrom: registry.example.com/base/debian:12\\n"
          + "run:\\n  - apt-get update && apt-get install -y nginx\\n".repeat(8);
  private static final String DOCKERFILE =
      "FROM registry.example.com/base/debian:12\\n"
          + "RUN apt-get update && apt-get install -y nginx\\n".repeat(8);

  private final int records;
  private final int queries;
  private final ObjectMapper json = new ObjectMapper();
  private final ArrayNode results = json.createArrayNode();
  private final ArrayNode plans = json.createArrayNode();

  private HistoryBench(int records, int queries) {
    this.records = records;
    this.queries = queries;
  }

  public static void main(String[] args) throws Exception {
    int records = Integer.parseInt(option(args, "--records", "1000000"));
    int queries = Integer.parseInt(option(args, "--queries", "2000"));
    Path sqlite = Path.of(option(args, "--sqlite", "history-bench.db"));
    Path out = Path.of(option(args, "--out", "history.json"));
    HistoryBench bench = new HistoryBench(records, queries);
    ObjectNode report = bench.json.createObjectNode();
    report.put("available", true);
    ArrayNode notes = report.putArray("notes");

    Files.deleteIfExists(sqlite);
    try (HistoryStore store = JdbcHistoryStore.sqlite(sqlite)) {
      bench.run("SQLite", store, () -> DriverManager.getConnection("jdbc:sqlite:" + sqlite));
    }

    String url = System.getenv("IMAGECI_TEST_DB_URL");
    if (url == null || url.isBlank()) {
      notes.add("PostgreSQL not measured: IMAGECI_TEST_DB_URL is not set");
    } else {
      bench.runPostgres(url, System.getenv("IMAGECI_TEST_DB_USER"), dbPassword());
    }
    report.set("results", bench.results);
    report.set("plans", bench.plans);
    Files.writeString(out, bench.json.writerWithDefaultPrettyPrinter().writeValueAsString(report));
  }

  private static String dbPassword() {
    return System.getenv("IMAGECI_TEST_DB_PASSWORD");
  }

  private void runPostgres(String url, String user, String password) throws Exception {
    String schema = "imageci_bench_" + Long.toHexString(System.nanoTime() & 0xffffffL);
    try (Connection admin = DriverManager.getConnection(url, user, password);
        Statement statement = admin.createStatement()) {
      statement.execute("CREATE SCHEMA " + schema);
    }
    String scoped = url + (url.contains("?") ? "&" : "?") + "currentSchema=" + schema;
    try (HistoryStore store = JdbcHistoryStore.postgres(scoped, user, password)) {
      run("PostgreSQL", store, () -> DriverManager.getConnection(scoped, user, password));
    } finally {
      try (Connection admin = DriverManager.getConnection(url, user, password);
          Statement statement = admin.createStatement()) {
        statement.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
      }
    }
  }

  private interface Connector {
    Connection open() throws SQLException;
  }

  private void run(String name, HistoryStore store, Connector connector) throws Exception {
    store.find("none"); // the store creates its schema on first use
    long loadStart = System.nanoTime();
    try (Connection connection = connector.open()) {
      boolean postgres = name.equals("PostgreSQL");
      List<String> indexes = dropIndexes(connection, postgres);
      if (postgres) {
        copyRows(connection);
      } else {
        insertRows(connection);
      }
      try (Statement statement = connection.createStatement()) {
        for (String index : indexes) {
          statement.execute(index);
        }
        statement.execute("ANALYZE" + (postgres ? " builds" : "")); // as autovacuum would
      }
    }
    double loadSeconds = (System.nanoTime() - loadStart) / 1e9;
    log(name + ": loaded " + records + " records in " + String.format("%.1f s", loadSeconds));

    SplittableRandom random = new SplittableRandom(7);
    String big = image(BIG_IMAGE);
    timeStore(
        name,
        "latest 50 of an image with 10% of the records",
        loadSeconds,
        () -> store.list(new HistoryQuery(big, null, 50).withoutTexts()));
    timeStore(
        name,
        "latest 50 of a typical image",
        loadSeconds,
        () ->
            store.list(
                new HistoryQuery(image(1 + random.nextInt(IMAGES - 1)), null, 50).withoutTexts()));
    timeStore(name, "one record by id", loadSeconds, () -> store.find(id(random.nextInt(records))));

    try (Connection connection = connector.open()) {
      String latest =
          "SELECT * FROM builds WHERE 1 = 1 AND image = ? ORDER BY started_at DESC, id DESC LIMIT ?";
      timeSql(
          name,
          "latest 50 of an image with 10% of the records",
          connection,
          latest,
          () -> new Object[] {big, 50});
      timeSql(
          name,
          "one record by id",
          connection,
          "SELECT * FROM builds WHERE id = ?",
          () -> new Object[] {id(random.nextInt(records))});
      plan(name, connection, latest, big, 50);
    }
  }

  private interface Query {
    Object call() throws Exception;
  }

  private interface Arguments {
    Object[] next();
  }

  private void timeStore(String store, String query, double loadSeconds, Query call)
      throws Exception {
    long[] samples = sample(call);
    add(store, query, "store", samples, loadSeconds);
  }

  private void timeSql(
      String store, String query, Connection connection, String sql, Arguments arguments)
      throws Exception {
    try (PreparedStatement statement = connection.prepareStatement(sql)) {
      long[] samples =
          sample(
              () -> {
                Object[] values = arguments.next();
                for (int i = 0; i < values.length; i++) {
                  statement.setObject(i + 1, values[i]);
                }
                int rows = 0;
                try (ResultSet result = statement.executeQuery()) {
                  while (result.next()) {
                    result.getString("config");
                    rows++;
                  }
                }
                return rows;
              });
      add(store, query, "sql on one connection", samples, 0);
    }
  }

  private long[] sample(Query call) throws Exception {
    for (int i = 0; i < Math.min(200, queries); i++) {
      call.call(); // warm-up: JIT, page cache, statement caches
    }
    long[] samples = new long[queries];
    for (int i = 0; i < queries; i++) {
      long start = System.nanoTime();
      call.call();
      samples[i] = System.nanoTime() - start;
    }
    Arrays.sort(samples);
    return samples;
  }

  private void add(String store, String query, String via, long[] sorted, double loadSeconds) {
    ObjectNode result = results.addObject();
    result.put("store", store);
    result.put("query", query);
    result.put("via", via);
    result.put("records", records);
    result.put("samples", sorted.length);
    result.put("p50Ms", percentile(sorted, 0.50) / 1e6);
    result.put("p99Ms", percentile(sorted, 0.99) / 1e6);
    result.put("loadSeconds", loadSeconds);
    log(
        String.format(
            Locale.ROOT,
            "%s, %s (%s): p50 %.3f ms, p99 %.3f ms",
            store,
            query,
            via,
            percentile(sorted, 0.50) / 1e6,
            percentile(sorted, 0.99) / 1e6));
  }

  private static long percentile(long[] sorted, double fraction) {
    int index = (int) Math.ceil(fraction * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
  }

  private void plan(String store, Connection connection, String sql, Object... values)
      throws SQLException {
    String explain = store.equals("SQLite") ? "EXPLAIN QUERY PLAN " : "EXPLAIN ";
    try (PreparedStatement statement = connection.prepareStatement(explain + sql)) {
      for (int i = 0; i < values.length; i++) {
        statement.setObject(i + 1, values[i]);
      }
      List<String> lines = new ArrayList<>();
      try (ResultSet result = statement.executeQuery()) {
        int column = result.getMetaData().getColumnCount();
        while (result.next()) {
          lines.add(result.getString(column));
        }
      }
      ObjectNode plan = plans.addObject();
      plan.put("store", store);
      plan.put("query", sql);
      plan.put("plan", String.join("\n", lines));
    }
  }

  // ---- bulk load ---------------------------------------------------------------------------

  /**
   * Drops the store's own indexes on builds and returns the statements that make them again:
   * building an index once after the load is far faster than keeping it up to date row by row.
   */
  private static List<String> dropIndexes(Connection connection, boolean postgres)
      throws SQLException {
    String query =
        postgres
            ? "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'builds'"
                + " AND schemaname = current_schema() AND indexname NOT LIKE '%_pkey'"
            : "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'builds'"
                + " AND sql IS NOT NULL";
    List<String> names = new ArrayList<>();
    List<String> definitions = new ArrayList<>();
    try (Statement statement = connection.createStatement();
        ResultSet result = statement.executeQuery(query)) {
      while (result.next()) {
        names.add(result.getString(1));
        definitions.add(result.getString(2));
      }
    }
    try (Statement statement = connection.createStatement()) {
      for (String name : names) {
        statement.execute("DROP INDEX " + name);
      }
    }
    return definitions;
  }

  private void insertRows(Connection connection) throws SQLException {
    String marks = String.join(", ", java.util.Collections.nCopies(COLUMN_COUNT, "?"));
    try (Statement pragma = connection.createStatement()) {
      pragma.execute("PRAGMA synchronous = OFF");
    }
    connection.setAutoCommit(false);
    try (PreparedStatement insert =
        connection.prepareStatement(
            "INSERT INTO builds (" + COLUMNS + ") VALUES (" + marks + ")")) {
      for (int i = 0; i < records; i++) {
        Object[] row = row(i);
        for (int c = 0; c < row.length; c++) {
          insert.setObject(c + 1, row[c]);
        }
        insert.addBatch();
        if (i % 10_000 == 9_999) {
          insert.executeBatch();
        }
      }
      insert.executeBatch();
    }
    connection.commit();
    connection.setAutoCommit(true);
  }

  private void copyRows(Connection connection) throws SQLException, IOException {
    CopyIn copy =
        connection
            .unwrap(PGConnection.class)
            .getCopyAPI()
            .copyIn("COPY builds (" + COLUMNS + ") FROM STDIN WITH (FORMAT text)");
    StringBuilder chunk = new StringBuilder(1 << 20);
    for (int i = 0; i < records; i++) {
      Object[] row = row(i);
      for (int c = 0; c < row.length; c++) {
        chunk.append(c == 0 ? "" : "\t").append(row[c]);
      }
      chunk.append('\n');
      if (chunk.length() > (1 << 20) || i == records - 1) {
        byte[] bytes = chunk.toString().getBytes(StandardCharsets.UTF_8);
        copy.writeToCopy(bytes, 0, bytes.length);
        chunk.setLength(0);
      }
    }
    copy.endCopy();
  }

  /** The record number {@code i}: newer with i, one image in ten gets a tenth of all records. */
  private Object[] row(int i) {
    int image = (i % 10 == 0) ? BIG_IMAGE : 1 + (i * 7919 % (IMAGES - 1));
    long started = START + i * 1000L + (i % 3) * 1000L; // some equal times, as in real life
    String hex = String.format("%064x", (long) i * 2654435761L);
    // COPY's text format reads \n as a newline; the literals above carry it escaped.
    return new Object[] {
      id(i),
      image(image),
      "01,latest",
      "sha256:" + hex,
      "sha256:" + hex,
      123_456_789L,
      CONFIG,
      DOCKERFILE,
      hex,
      "succeeded",
      started,
      started + 42_000L,
      started + 3_600_000L,
      "jenkins",
      "images/app",
      Integer.toString(i),
      "https://jenkins.example.com/job/images/" + i + "/",
      "agent-1",
      4242L
    };
  }

  private static String id(int i) {
    return String.format("%016x%016x", i * 0x9E3779B97F4A7C15L, i);
  }

  private static String image(int n) {
    return String.format("registry.example.com/team-%03d/app", n);
  }

  private static void log(String message) {
    System.err.println("history-bench: " + message);
  }

  static String option(String[] args, String name, String fallback) {
    for (int i = 0; i + 1 < args.length; i++) {
      if (args[i].equals(name)) {
        return args[i + 1];
      }
    }
    return fallback;
  }
}
