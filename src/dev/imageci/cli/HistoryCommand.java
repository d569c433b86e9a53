package dev.imageci.cli;

import dev.imageci.history.BuildRecord;
import dev.imageci.history.BuildRecordJson;
import dev.imageci.history.BuildStatus;
import dev.imageci.history.HistoryException;
import dev.imageci.history.HistoryQuery;
import dev.imageci.history.HistoryRecorder;
import dev.imageci.history.HistorySettings;
import dev.imageci.history.HistoryStore;
import dev.imageci.image.ImageName;
import dev.imageci.pipeline.RegistryHistoryProbe;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;
import picocli.CommandLine.TypeConversionException;

/** {@code imageci history}: lists, shows and compares recorded builds; flushes the spool. */
@Command(
    name = "history",
    mixinStandardHelpOptions = true,
    description = {
      "Lists recorded builds, newest first: id, image:tags, status, short digest, size,"
          + " duration, start time (UTC) and who started it.",
      "The history is the SQLite file IMAGECI_HOME/history.db (default ~/.imageci), or the"
          + " PostgreSQL database IMAGECI_DB_URL (with IMAGECI_DB_USER, IMAGECI_DB_PASSWORD)."
    },
    subcommands = {
      HistoryCommand.Show.class,
      HistoryCommand.Diff.class,
      HistoryCommand.Flush.class,
      HistoryRecordCommand.class
    })
final class HistoryCommand implements Callable<Integer> {

  static final int DEFAULT_LIMIT = 20;

  @Spec private CommandSpec spec;

  @Parameters(
      arity = "0..1",
      paramLabel = "IMAGE",
      converter = ImageNameConverter.class,
      description = "Only builds of this repository, e.g. r.example.com/team/web.")
  private ImageName image;

  @Option(
      names = "--limit",
      paramLabel = "N",
      defaultValue = "" + DEFAULT_LIMIT,
      description = "Show at most N builds (default: ${DEFAULT-VALUE}).")
  private int limit;

  @Option(
      names = "--status",
      paramLabel = "S",
      converter = StatusConverter.class,
      description = "Only builds with this status: running, succeeded, failed, cancelled, reused.")
  private BuildStatus status;

  @Option(names = "--json", description = "Print the builds as a JSON array, every field.")
  private boolean json;

  final Invocation invocation;
  final Map<String, String> env;

  /** This process's own invocation, for a command line made by picocli's own factory. */
  HistoryCommand() {
    this(Invocation.ofProcess());
  }

  HistoryCommand(Invocation invocation) {
    this.invocation = invocation;
    this.env = invocation.env();
  }

  /** For tests: {@code env} in this process's working directory. */
  HistoryCommand(Map<String, String> env) {
    this(new Invocation(env, Path.of("").toAbsolutePath(), Invocation.Cancellation.NONE));
  }

  @Override
  public Integer call() throws HistoryException, IOException {
    if (limit < 1) {
      throw new picocli.CommandLine.ParameterException(
          spec.commandLine(), "--limit must be 1 or more (got " + limit + ")");
    }
    String repository = image == null ? null : image.toString();
    List<BuildRecord> records;
    try (HistoryStore store = openStore()) {
      HistoryQuery query = new HistoryQuery(repository, status, limit);
      // The table shows neither the config nor the Dockerfile, so it does not read them.
      records = store.list(json ? query : query.withoutTexts());
    }
    PrintWriter out = spec.commandLine().getOut();
    if (json) {
      out.println(
          BuildRecordJson.MAPPER.writeValueAsString(
              records.stream().map(BuildRecordJson::of).toList()));
    } else {
      out.print(HistoryTable.render(records));
    }
    out.flush();
    return 0;
  }

  HistoryStore openStore() {
    return HistorySettings.fromEnvironment(env).openStore();
  }

  static final class ImageNameConverter implements ITypeConverter<ImageName> {
    @Override
    public ImageName convert(String value) {
      try {
        return ImageName.parse(value);
      } catch (IllegalArgumentException e) {
        throw new TypeConversionException(e.getMessage());
      }
    }
  }

  static final class StatusConverter implements ITypeConverter<BuildStatus> {
    @Override
    public BuildStatus convert(String value) {
      try {
        return BuildStatus.parse(value);
      } catch (IllegalArgumentException e) {
        throw new TypeConversionException(e.getMessage());
      }
    }
  }

  /** {@code imageci history show ID}. */
  @Command(
      name = "show",
      mixinStandardHelpOptions = true,
      description = "Shows every field of one build, its config, its Dockerfile and log link.")
  static final class Show implements Callable<Integer> {

    @ParentCommand private HistoryCommand parent;
    @Spec private CommandSpec spec;

    @Parameters(paramLabel = "ID", description = "The build id, as 'imageci history' lists it.")
    private String id;

    @Option(names = "--json", description = "Print the build as one JSON object.")
    private boolean json;

    @Override
    public Integer call() throws HistoryException, IOException {
      BuildRecord record = parent.load(id);
      PrintWriter out = spec.commandLine().getOut();
      if (json) {
        out.println(BuildRecordJson.MAPPER.writeValueAsString(BuildRecordJson.of(record)));
      } else {
        out.print(HistoryDetails.render(record));
      }
      out.flush();
      return 0;
    }
  }

  /** {@code imageci history diff ID1 ID2}. */
  @Command(
      name = "diff",
      mixinStandardHelpOptions = true,
      description =
          "Shows how two builds differ: config and Dockerfile as unified diffs, rootfs and size.")
  static final class Diff implements Callable<Integer> {

    @ParentCommand private HistoryCommand parent;
    @Spec private CommandSpec spec;

    @Parameters(index = "0", paramLabel = "ID1", description = "The older build.")
    private String first;

    @Parameters(index = "1", paramLabel = "ID2", description = "The newer build.")
    private String second;

    @Override
    public Integer call() throws HistoryException {
      BuildRecord older = parent.load(first);
      BuildRecord newer = parent.load(second);
      PrintWriter out = spec.commandLine().getOut();
      out.print(HistoryDiff.render(older, newer));
      out.flush();
      return 0;
    }
  }

  /** {@code imageci history flush}. */
  @Command(
      name = "flush",
      mixinStandardHelpOptions = true,
      description =
          "Delivers build records kept in IMAGECI_HOME/spool (written while the history was"
              + " unreachable) to the history, then settles builds left running by a killed"
              + " process, asking the registry whether their push completed.")
  static final class Flush implements Callable<Integer> {

    @ParentCommand private HistoryCommand parent;
    @Spec private CommandSpec spec;

    @Override
    public Integer call() throws HistoryException, IOException {
      var probe = new RegistryHistoryProbe(parent.env);
      PrintWriter out = spec.commandLine().getOut();
      try (HistoryRecorder recorder = HistoryRecorder.open(parent.env, probe)) {
        int delivered = recorder.flush();
        out.println(
            "Delivered " + delivered + " spooled build record(s) to " + recorder.describe());
        HistoryRecorder.CatchUp settled = recorder.catchUp();
        for (BuildRecord record : settled.settled()) {
          out.println("Settled stale build " + record.id() + " as " + record.status().word());
        }
      }
      out.flush();
      return 0;
    }
  }

  BuildRecord load(String id) throws HistoryException {
    try (HistoryStore store = openStore()) {
      return store
          .find(id)
          .orElseThrow(
              () -> new HistoryException("no build with id '" + id + "' in " + store.describe()));
    }
  }
}
