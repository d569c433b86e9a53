package dev.imageci.history;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Records that could not reach the store, one JSON file per build id under {@code
 * IMAGECI_HOME/spool}. A file is written next to its final name and moved into place, so a reader
 * sees the old state or the new one, never half a file; a later state of the same build replaces
 * the earlier one.
 */
public final class Spool {

  private static final Logger LOG = LoggerFactory.getLogger(Spool.class);
  private static final Pattern FILE = Pattern.compile("[0-9a-f]{12}\\.json");
  private static final Pattern CLAIM = Pattern.compile("([0-9a-f]{12})\\.json\\.([0-9]+)");

  private final Path directory;

  public Spool(Path directory) {
    this.directory = directory;
  }

  public Path directory() {
    return directory;
  }

  /** Keeps the record until it can be delivered. */
  public void put(BuildRecord record) throws IOException {
    Files.createDirectories(directory);
    Path target = directory.resolve(record.id() + ".json");
    Path temporary = Files.createTempFile(directory, "." + record.id() + "-", ".tmp");
    try {
      Files.write(temporary, BuildRecordJson.MAPPER.writeValueAsBytes(BuildRecordJson.of(record)));
      try {
        Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(temporary, target, StandardCopyOption.REPLACE_EXISTING);
      }
    } finally {
      Files.deleteIfExists(temporary);
    }
  }

  /** Whether a record of this build waits here. */
  public boolean holds(String id) {
    return Files.exists(directory.resolve(id + ".json"));
  }

  /** The spooled records, in no particular order; unreadable files are named in the log. */
  public List<BuildRecord> pending() throws IOException {
    List<BuildRecord> records = new ArrayList<>();
    if (!Files.isDirectory(directory)) {
      return records;
    }
    try (DirectoryStream<Path> files = Files.newDirectoryStream(directory)) {
      for (Path file : files) {
        if (!FILE.matcher(file.getFileName().toString()).matches()) {
          continue;
        }
        try {
          records.add(
              BuildRecordJson.MAPPER.readValue(file.toFile(), BuildRecordJson.class).toRecord());
        } catch (NoSuchFileException e) {
          // delivered by another process meanwhile
        } catch (IOException | RuntimeException e) {
          LOG.warn(
              "Skipping spooled history record {}: it cannot be read ({})", file, e.getMessage());
        }
      }
    }
    return records;
  }

  /**
   * Sends every spooled record to {@code store}, removing each once stored. Returns how many were
   * delivered; stops at the first failure, leaving the rest for the next run.
   *
   * <p>Each file is first claimed by moving it aside, so a newer state that its build writes
   * meanwhile lands in a fresh file and is delivered later rather than deleted unseen.
   */
  public int deliver(HistoryStore store) throws IOException, HistoryException {
    reclaimOrphans();
    int delivered = 0;
    for (BuildRecord record : pending()) {
      Path file = directory.resolve(record.id() + ".json");
      Path claim = directory.resolve(record.id() + ".json." + ProcessHandle.current().pid());
      try {
        Files.move(file, claim, StandardCopyOption.ATOMIC_MOVE);
      } catch (NoSuchFileException e) {
        continue; // another process is delivering it
      }
      BuildRecord claimed =
          BuildRecordJson.MAPPER.readValue(claim.toFile(), BuildRecordJson.class).toRecord();
      try {
        store.save(claimed);
      } catch (HistoryException e) {
        putBack(claim, file);
        throw e;
      }
      Files.delete(claim);
      delivered++;
    }
    return delivered;
  }

  /** Claims left by a process that died while delivering go back into the spool. */
  private void reclaimOrphans() throws IOException {
    if (!Files.isDirectory(directory)) {
      return;
    }
    try (DirectoryStream<Path> files = Files.newDirectoryStream(directory)) {
      for (Path claim : files) {
        var match = CLAIM.matcher(claim.getFileName().toString());
        if (match.matches() && ProcessHandle.of(Long.parseLong(match.group(2))).isEmpty()) {
          putBack(claim, directory.resolve(match.group(1) + ".json"));
        }
      }
    }
  }

  private static void putBack(Path claim, Path file) throws IOException {
    if (Files.exists(file)) {
      Files.deleteIfExists(claim); // the build wrote a newer state meanwhile
    } else {
      Files.move(claim, file, StandardCopyOption.ATOMIC_MOVE);
    }
  }
}
