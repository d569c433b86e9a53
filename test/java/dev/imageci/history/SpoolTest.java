package dev.imageci.history;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SpoolTest {

  @TempDir Path home;

  @Test
  void keepsTheLatestStateOfEachBuildInOneFile() throws Exception {
    Spool spool = new Spool(home.resolve("spool"));
    BuildRecord running =
        Records.running(Records.uniqueImage(), "0a0a0a0a0a0a", Instant.now()).build();
    BuildRecord failed = running.toBuilder().status(BuildStatus.FAILED).error("boom").build();

    spool.put(running);
    spool.put(failed);

    assertThat(spool.pending()).containsExactly(failed);
    try (var files = Files.list(spool.directory())) {
      assertThat(files.map(f -> f.getFileName().toString())).containsExactly("0a0a0a0a0a0a.json");
    }
  }

  @Test
  void deliversEveryRecordAndEmptiesItself() throws Exception {
    Spool spool = new Spool(home.resolve("spool"));
    HistoryStore store = JdbcHistoryStore.sqlite(home.resolve("history.db"));
    BuildRecord first =
        Records.running(Records.uniqueImage(), "0b0b0b0b0b0b", Instant.now()).build();
    BuildRecord second =
        Records.running(Records.uniqueImage(), "0c0c0c0c0c0c", Instant.now()).build();
    spool.put(first);
    spool.put(second);

    int delivered = spool.deliver(store);

    assertThat(delivered).isEqualTo(2);
    assertThat(store.find(first.id())).contains(first);
    assertThat(store.find(second.id())).contains(second);
    assertThat(spool.pending()).isEmpty();
  }

  @Test
  void putsBackWhatADeadDelivererHadClaimed() throws Exception {
    Spool spool = new Spool(home.resolve("spool"));
    HistoryStore store = JdbcHistoryStore.sqlite(home.resolve("history.db"));
    BuildRecord record =
        Records.running(Records.uniqueImage(), "0d0d0d0d0d0d", Instant.now()).build();
    spool.put(record);
    Process gone = new ProcessBuilder("true").start();
    gone.waitFor();
    Files.move(
        spool.directory().resolve("0d0d0d0d0d0d.json"),
        spool.directory().resolve("0d0d0d0d0d0d.json." + gone.pid()));

    int delivered = spool.deliver(store);

    assertThat(delivered).isEqualTo(1);
    assertThat(store.find(record.id())).contains(record);
  }

  @Test
  void skipsAFileItCannotRead() throws Exception {
    Spool spool = new Spool(home.resolve("spool"));
    Files.createDirectories(spool.directory());
    Files.writeString(spool.directory().resolve("0e0e0e0e0e0e.json"), "{not json");

    assertThat(spool.pending()).isEmpty();
  }
}
