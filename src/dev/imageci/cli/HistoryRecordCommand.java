package dev.imageci.cli;

import dev.imageci.config.ConfigReader;
import dev.imageci.history.BuildRecord;
import dev.imageci.history.BuildRecordJson;
import dev.imageci.history.BuildStart;
import dev.imageci.history.BuildStatus;
import dev.imageci.history.HistoryRecorder;
import dev.imageci.history.RecordedBuild;
import dev.imageci.history.Trigger;
import dev.imageci.pipeline.RegistryHistoryProbe;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;
import picocli.CommandLine.TypeConversionException;

/**
 * {@code imageci history record}: records an attempt that ended before {@code imageci build} could
 * record it (a Jenkins run refused at Verify, an agent without Docker), so every attempt is in the
 * history. The texts are data: stored as given, bounded in length, known secrets masked.
 */
@Command(
    name = "record",
    mixinStandardHelpOptions = true,
    description = {
      "Records a build attempt that ended before 'imageci build' ran, as failed or cancelled,"
          + " and prints its id.",
      "Who and where come from --user, JOB_NAME, BUILD_NUMBER, BUILD_URL and BUILD_USER_ID, as"
          + " for builds. Texts are stored as given (never run), cut to a bounded length."
    })
final class HistoryRecordCommand implements Callable<Integer> {

  static final int MAX_IMAGE_CHARS = 512;
  static final int MAX_ERROR_CHARS = 4096;
  static final int MAX_FIELD_CHARS = 256;

  @ParentCommand private HistoryCommand parent;
  @Spec private CommandSpec spec;

  @Option(
      names = "--status",
      paramLabel = "S",
      defaultValue = "failed",
      converter = EndStatusConverter.class,
      description = "How the attempt ended: failed or cancelled (default: ${DEFAULT-VALUE}).")
  private BuildStatus status;

  @Option(
      names = "--error",
      paramLabel = "TEXT",
      required = true,
      description = "What failed, as the user should read it.")
  private String error;

  @Option(
      names = "--image",
      paramLabel = "TEXT",
      description =
          "The image as the user gave it, valid or not (default: the image named in --config,"
              + " else (unknown)).")
  private String image;

  @Option(
      names = "--config",
      paramLabel = "FILE",
      description = "The image form the attempt started from, stored as given if readable.")
  private Path config;

  @Option(names = "--request-id", paramLabel = "ID", description = "The caller's id for it.")
  private String requestId;

  @Option(names = "--user", paramLabel = "NAME", description = "Who asked for the build.")
  private String user;

  @Option(names = "--json", description = "Print the record as one JSON object, not its id.")
  private boolean json;

  @Override
  public Integer call() throws IOException {
    SecretMask mask = SecretMask.fromEnvironment(parent.env);
    String configText = config == null ? null : readConfig(parent.invocation.resolve(config));
    String imageText = image;
    if (imageText == null || imageText.isBlank()) {
      imageText = configText == null ? "(unknown)" : InvalidForm.imageText(configText);
    }
    var start =
        new BuildStart(
            bounded(mask.apply(imageText), MAX_IMAGE_CHARS),
            List.of(),
            configText == null ? null : mask.apply(configText),
            "",
            null,
            null,
            null,
            Trigger.from(bounded(user, MAX_FIELD_CHARS), parent.env),
            bounded(mask.apply(requestId), MAX_FIELD_CHARS),
            Duration.ZERO);

    BuildRecord record;
    var probe = new RegistryHistoryProbe(parent.env);
    try (HistoryRecorder recorder = HistoryRecorder.open(parent.env, probe)) {
      RecordedBuild attempt = recorder.start(start);
      String reason = bounded(mask.apply(error), MAX_ERROR_CHARS);
      record = status == BuildStatus.CANCELLED ? attempt.cancelled(reason) : attempt.failed(reason);
    }

    PrintWriter out = spec.commandLine().getOut();
    out.println(
        json ? BuildRecordJson.MAPPER.writeValueAsString(BuildRecordJson.of(record)) : record.id());
    out.flush();
    return 0;
  }

  private static String readConfig(Path file) throws IOException {
    try {
      if (Files.size(file) > ConfigReader.MAX_CONFIG_BYTES) {
        throw new IOException("is larger than " + ConfigReader.MAX_CONFIG_BYTES + " bytes");
      }
      return Files.readString(file);
    } catch (IOException e) {
      throw new IOException("cannot read the config " + file + " to record: " + e.getMessage(), e);
    }
  }

  /** The text cut to {@code max} characters, saying so; null stays null. */
  static String bounded(String text, int max) {
    if (text == null || text.length() <= max) {
      return text;
    }
    String note = "... (cut from " + text.length() + " characters)";
    return text.substring(0, max - note.length()) + note;
  }

  /** Only an ended status can be recorded: a record written here never runs. */
  static final class EndStatusConverter implements ITypeConverter<BuildStatus> {
    @Override
    public BuildStatus convert(String value) {
      BuildStatus parsed;
      try {
        parsed = BuildStatus.parse(value);
      } catch (IllegalArgumentException e) {
        throw new TypeConversionException(e.getMessage());
      }
      if (parsed != BuildStatus.FAILED && parsed != BuildStatus.CANCELLED) {
        throw new TypeConversionException(
            "an attempt recorded here ended as failed or cancelled (got '" + value + "')");
      }
      return parsed;
    }
  }
}
