package dev.imageci.history;

import dev.imageci.render.ConfigHash;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** Test data: records, build starts and unique image names. */
final class Records {

  static final String DOCKERFILE = "FROM imageci-test/busybox:latest\nRUN echo hello\n";
  static final String ROOTFS = "ab".repeat(32);

  private Records() {}

  /** A repository name no other test (or engineer) uses. */
  static String uniqueImage() {
    return "127.0.0.1:5000/history-test/i" + UUID.randomUUID().toString().substring(0, 8);
  }

  static String digest(char hex) {
    return "sha256:" + String.valueOf(hex).repeat(64);
  }

  static BuildRecord.Builder running(String image, String id, Instant startedAt) {
    return BuildRecord.builder()
        .id(id)
        .image(image)
        .tags(List.of("latest"))
        .config("image: " + image + "\nfrom: imageci-test/busybox:latest\n")
        .dockerfile(DOCKERFILE)
        .configHash(ConfigHash.of(DOCKERFILE, ROOTFS))
        .rootfsSha256(ROOTFS)
        .rootfsSize(1234L)
        .status(BuildStatus.RUNNING)
        .startedAt(startedAt)
        .deadline(startedAt.plus(Duration.ofHours(1)))
        .triggeredBy("alice")
        .jobName("images/web")
        .buildNumber("7")
        .buildUrl("https://jenkins.example.com/job/images/job/web/7/")
        .logUrl("https://jenkins.example.com/job/images/job/web/7/console")
        .requestId("req-1")
        .remarks("Serves pages.")
        .host("agent-1")
        .ownerPid(4242)
        .ownerStartedAt(startedAt.minusSeconds(5));
  }

  static BuildStart start(String image, List<String> tags) {
    return new BuildStart(
        image,
        tags,
        "image: " + image + "\n",
        DOCKERFILE,
        ROOTFS,
        1234L,
        "Serves pages.",
        Trigger.from("alice", Map.of("JOB_NAME", "images/web", "BUILD_NUMBER", "7")),
        "req-1",
        Duration.ofMinutes(60));
  }
}
