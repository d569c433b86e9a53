package dev.imageci.history;

import java.util.List;
import java.util.Optional;

/**
 * A separate imageci-like process for the multi-process tests. Reads the history settings from its
 * environment, like imageci does.
 *
 * <pre>
 *   builds IMAGE COUNT   records COUNT builds with tag auto, each succeeded
 *   hang IMAGE TAG       starts a build, resolves its tags, prints its id and sleeps
 * </pre>
 */
public final class RecordingProcess {

  private RecordingProcess() {}

  public static void main(String[] args) throws Exception {
    RegistryProbe noRegistry =
        new RegistryProbe() {
          @Override
          public Optional<String> digestOf(String image, String tag) {
            return Optional.empty();
          }

          @Override
          public boolean hasManifest(String image, String digest) {
            return false;
          }

          @Override
          public void addTag(String image, String digest, String tag) {
            throw new UnsupportedOperationException("no registry here");
          }
        };
    try (HistoryRecorder recorder = HistoryRecorder.open(System.getenv(), noRegistry)) {
      if (args[0].equals("builds")) {
        for (int i = 0; i < Integer.parseInt(args[2]); i++) {
          RecordedBuild build = recorder.start(Records.start(args[1], List.of("auto", "latest")));
          List<String> tags = build.resolveTags();
          build.succeeded(Records.digest('c'), "sha256:" + "d".repeat(64), 1000L + i);
          System.out.println(build.id() + " " + tags.get(0));
        }
      } else {
        RecordedBuild build = recorder.start(Records.start(args[1], List.of(args[2])));
        build.resolveTags();
        System.out.println(build.id());
        System.out.flush();
        Thread.sleep(600_000);
      }
    }
  }
}
