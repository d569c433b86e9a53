package dev.imageci.history;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class TriggerTest {

  private final Map<String, String> jenkins =
      Map.of(
          "BUILD_USER_ID", "bob",
          "JOB_NAME", "images/web",
          "BUILD_NUMBER", "12",
          "BUILD_URL", "https://jenkins.example.com/job/images/job/web/12/");

  @Test
  void theUserOptionWinsOverJenkins() {
    assertThat(Trigger.from("alice", jenkins).user()).isEqualTo("alice");
  }

  @Test
  void jenkinsUserWinsOverTheOsUser() {
    assertThat(Trigger.from(null, jenkins).user()).isEqualTo("bob");
  }

  @Test
  void theOsUserIsTheLastResort() {
    assertThat(Trigger.from(" ", Map.of()).user()).isEqualTo(System.getProperty("user.name"));
  }

  @Test
  void readsTheJenkinsBuildAndItsConsoleLog() {
    Trigger trigger = Trigger.from(null, jenkins);

    assertThat(trigger.jobName()).isEqualTo("images/web");
    assertThat(trigger.buildNumber()).isEqualTo("12");
    assertThat(trigger.logUrl())
        .isEqualTo("https://jenkins.example.com/job/images/job/web/12/console");
    assertThat(Trigger.from(null, Map.of()).logUrl()).isNull();
  }
}
