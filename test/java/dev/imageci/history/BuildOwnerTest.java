package dev.imageci.history;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class BuildOwnerTest {

  private final BuildOwner self = BuildOwner.current("agent-1");
  private final Instant now = Instant.now();

  @Test
  void aLiveOwnerOnThisHostIsNotStale() {
    BuildRecord record =
        Records.running("r/img", "0f0f0f0f0f0f", now)
            .host("agent-1")
            .ownerPid(self.pid())
            .ownerStartedAt(self.startedAt())
            .build();

    assertThat(self.isStale(record, now)).isFalse();
  }

  @Test
  void anEndedOwnerOnThisHostIsStaleAtOnce() throws Exception {
    Process ended = new ProcessBuilder("true").start();
    ended.waitFor();
    BuildRecord record =
        Records.running("r/img", "0f0f0f0f0f0f", now).host("agent-1").ownerPid(ended.pid()).build();

    assertThat(self.isStale(record, now)).isTrue();
  }

  @Test
  void aReusedPidWithAnotherStartTimeIsStale() {
    BuildRecord record =
        Records.running("r/img", "0f0f0f0f0f0f", now)
            .host("agent-1")
            .ownerPid(self.pid())
            .ownerStartedAt(self.startedAt().minusSeconds(3600))
            .build();

    assertThat(self.isStale(record, now)).isTrue();
  }

  @Test
  void anotherHostsBuildIsStaleOnlyAfterItsDeadline() {
    BuildRecord record = Records.running("r/img", "0f0f0f0f0f0f", now).host("agent-2").build();

    assertThat(self.isStale(record, record.deadline().minusSeconds(1))).isFalse();
    assertThat(self.isStale(record, record.deadline().plusSeconds(1))).isTrue();
  }
}
