package dev.imageci.history;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.URI;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The history contract on a real PostgreSQL ({@code IMAGECI_TEST_DB_*}), in a schema of its own
 * that is dropped afterwards. The store reaches the database through a {@link TcpProxy}, so the
 * tests can take it down for real.
 */
@Tag("postgres")
class PostgresHistoryStoreTest extends HistoryStoreContract {

  private static final String SCHEMA =
      "history_test_" + UUID.randomUUID().toString().substring(0, 8);
  private static String url;
  private static String user;
  private static String password;
  private TcpProxy proxy;

  @BeforeAll
  static void createSchema() throws SQLException {
    url = required("IMAGECI_TEST_DB_URL");
    user = required("IMAGECI_TEST_DB_USER");
    password = required("IMAGECI_TEST_DB_PASSWORD");
    execute("CREATE SCHEMA " + SCHEMA);
  }

  @AfterAll
  static void dropSchema() throws SQLException {
    if (url != null) {
      execute("DROP SCHEMA IF EXISTS " + SCHEMA + " CASCADE");
    }
  }

  @BeforeEach
  void startProxy() throws IOException {
    URI target = URI.create(url.substring("jdbc:".length()));
    proxy = new TcpProxy(target.getHost(), target.getPort() < 0 ? 5432 : target.getPort()).start();
  }

  @AfterEach
  void stopProxy() throws IOException {
    proxy.close();
  }

  @Override
  HistoryStore store() {
    URI target = URI.create(url.substring("jdbc:".length()));
    String proxied =
        "jdbc:postgresql://127.0.0.1:"
            + proxy.port()
            + target.getPath()
            + "?currentSchema="
            + SCHEMA;
    return JdbcHistoryStore.postgres(proxied, user, password);
  }

  @Override
  Connection connect() throws SQLException {
    return DriverManager.getConnection(
        url + (url.contains("?") ? "&" : "?") + "currentSchema=" + SCHEMA, user, password);
  }

  @Override
  void takeDatabaseDown() throws IOException {
    proxy.stop();
  }

  @Override
  void bringDatabaseBack() throws IOException {
    proxy.start();
  }

  @Override
  Map<String, String> databaseEnvironment() {
    return Map.of(
        "IMAGECI_DB_URL", url + (url.contains("?") ? "&" : "?") + "currentSchema=" + SCHEMA,
        "IMAGECI_DB_USER", user,
        "IMAGECI_DB_PASSWORD", password);
  }

  @Test
  void aFailedConnectionNamesTheDatabaseButNotThePassword() {
    HistoryStore unreachable =
        JdbcHistoryStore.postgres(
            "jdbc:postgresql://127.0.0.1:1/imageci?password=s3cret-in-url", "ci", "s3cret");

    assertThatThrownBy(() -> unreachable.list(HistoryQuery.latest(1)))
        .isInstanceOf(HistoryException.class)
        .hasMessageContaining("PostgreSQL jdbc:postgresql://127.0.0.1:1/imageci")
        .hasMessageNotContaining("s3cret");
  }

  @Test
  void oneStoreKeepsItsConnectionAcrossOperations() throws Exception {
    String image = Records.uniqueImage();
    String id = uniqueId();
    try (HistoryStore store = store()) {
      store.save(Records.running(image, id, Instant.now()).build());
      int afterFirst = proxy.accepted();
      for (int i = 0; i < 5; i++) {
        assertThat(store.find(id)).isPresent();
        assertThat(store.list(new HistoryQuery(image, null, 1))).as("round " + i).hasSize(1);
      }

      assertThat(proxy.accepted()).isEqualTo(afterFirst);
    }
  }

  @Test
  void aKeptConnectionLostInAnOutageIsReplacedWhenTheDatabaseIsBack() throws Exception {
    String image = Records.uniqueImage();
    String id = uniqueId();
    try (HistoryStore store = store()) {
      store.save(Records.running(image, id, Instant.now()).build());

      takeDatabaseDown();
      assertThatThrownBy(() -> store.find(id)).isInstanceOf(HistoryException.class);
      bringDatabaseBack();

      assertThat(store.find(id).map(BuildRecord::image)).contains(image);
      store.save(
          Records.running(image, id, Instant.now())
              .status(BuildStatus.FAILED)
              .error("RUN step 1 exited with status 1")
              .build());
      assertThat(store.find(id).map(BuildRecord::status)).contains(BuildStatus.FAILED);
    }
  }

  private static String uniqueId() {
    return UUID.randomUUID().toString().replace("-", "").substring(0, 12);
  }

  private static void execute(String sql) throws SQLException {
    try (Connection connection = DriverManager.getConnection(url, user, password);
        Statement statement = connection.createStatement()) {
      statement.execute(sql);
    }
  }

  private static String required(String name) {
    String value = System.getenv(name);
    assertThat(value)
        .as(
            name
                + " is not set: run scripts/test, or scripts/services start and"
                + " eval \"$(scripts/services env)\"")
        .isNotBlank();
    return value;
  }
}
