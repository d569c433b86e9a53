package dev.imageci.history;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

class HistorySettingsTest {

  @Test
  void defaultsToSqliteInTheHomeDirectory() {
    HistorySettings settings = HistorySettings.fromEnvironment(Map.of());

    assertThat(settings.home()).isEqualTo(Path.of(System.getProperty("user.home"), ".imageci"));
    assertThat(settings.openStore().describe()).startsWith("SQLite ").endsWith("history.db");
  }

  @Test
  void usesPostgresqlWhenAUrlIsGivenAndNeverShowsThePassword() {
    HistorySettings settings =
        HistorySettings.fromEnvironment(
            Map.of(
                "IMAGECI_HOME", "/var/lib/imageci",
                "IMAGECI_DB_URL", "jdbc:postgresql://db:5432/imageci?ssl=true",
                "IMAGECI_DB_USER", "ci",
                "IMAGECI_DB_PASSWORD", "s3cret"));

    assertThat(settings.spoolDirectory()).isEqualTo(Path.of("/var/lib/imageci/spool"));
    assertThat(settings.openStore().describe())
        .isEqualTo("PostgreSQL jdbc:postgresql://db:5432/imageci");
    assertThat(settings.toString()).doesNotContain("s3cret");
  }

  @Test
  void refusesAUrlOfAnotherDatabase() {
    HistorySettings settings =
        HistorySettings.fromEnvironment(Map.of("IMAGECI_DB_URL", "jdbc:mysql://db/imageci"));

    assertThatThrownBy(settings::openStore)
        .hasMessageContaining("IMAGECI_DB_URL must be a PostgreSQL");
  }
}
