package dev.imageci.context;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RootfsPolicyTest {

  @Test
  void defaultsAreSafeAndFitRealRootFilesystems() {
    RootfsPolicy policy = RootfsPolicy.defaults();

    assertThat(policy.allowPrivateHosts()).isFalse();
    assertThat(policy.allowedHosts()).isEmpty();
    assertThat(policy.maxUncompressedBytes()).isEqualTo(8L << 30);
    assertThat(policy.maxEntries()).isEqualTo(500_000);
    assertThat(policy.maxNameLength()).isEqualTo(4096);
    assertThat(policy.maxLinkTargetLength()).isEqualTo(4096);
    assertThat(policy.maxDownloadBytes()).isEqualTo(4L << 30);
    assertThat(policy.maxRedirects()).isEqualTo(5);
    assertThat(policy.connectTimeout()).isEqualTo(Duration.ofSeconds(10));
    assertThat(policy.readTimeout()).isEqualTo(Duration.ofSeconds(60));
    assertThat(policy.downloadTimeout()).isEqualTo(Duration.ofMinutes(30));
    assertThat(policy.downloadDirectory()).isNull();
  }

  @Test
  void anEmptyEnvironmentGivesTheDefaults() {
    assertThat(RootfsPolicy.fromEnvironment(Map.of())).isEqualTo(RootfsPolicy.defaults());
  }

  @Test
  void readsEveryVariable() {
    RootfsPolicy policy =
        RootfsPolicy.fromEnvironment(
            Map.ofEntries(
                Map.entry("IMAGECI_ROOTFS_ALLOW_PRIVATE_HOSTS", "true"),
                Map.entry("IMAGECI_ROOTFS_ALLOWED_HOSTS", " Mirror.Example.com ,10.0.0.5,"),
                Map.entry("IMAGECI_ROOTFS_MAX_BYTES", "16G"),
                Map.entry("IMAGECI_ROOTFS_MAX_ENTRIES", "1000000"),
                Map.entry("IMAGECI_ROOTFS_MAX_NAME_LENGTH", "1024"),
                Map.entry("IMAGECI_ROOTFS_MAX_LINK_LENGTH", "2048"),
                Map.entry("IMAGECI_ROOTFS_MAX_DOWNLOAD_BYTES", "512MiB"),
                Map.entry("IMAGECI_ROOTFS_MAX_REDIRECTS", "0"),
                Map.entry("IMAGECI_ROOTFS_CONNECT_TIMEOUT", "3"),
                Map.entry("IMAGECI_ROOTFS_READ_TIMEOUT", "1500ms"),
                Map.entry("IMAGECI_ROOTFS_DOWNLOAD_TIMEOUT", "2h"),
                Map.entry("IMAGECI_HOME", "/var/lib/imageci")));

    assertThat(policy.allowPrivateHosts()).isTrue();
    assertThat(policy.allowedHosts()).containsExactlyInAnyOrder("mirror.example.com", "10.0.0.5");
    assertThat(policy.maxUncompressedBytes()).isEqualTo(16L << 30);
    assertThat(policy.maxEntries()).isEqualTo(1_000_000);
    assertThat(policy.maxNameLength()).isEqualTo(1024);
    assertThat(policy.maxLinkTargetLength()).isEqualTo(2048);
    assertThat(policy.maxDownloadBytes()).isEqualTo(512L << 20);
    assertThat(policy.maxRedirects()).isZero();
    assertThat(policy.connectTimeout()).isEqualTo(Duration.ofSeconds(3));
    assertThat(policy.readTimeout()).isEqualTo(Duration.ofMillis(1500));
    assertThat(policy.downloadTimeout()).isEqualTo(Duration.ofHours(2));
    assertThat(policy.downloadDirectory()).isEqualTo(Path.of("/var/lib/imageci/tmp"));
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "IMAGECI_ROOTFS_ALLOW_PRIVATE_HOSTS | maybe | true or false",
        "IMAGECI_ROOTFS_MAX_BYTES | 8 GB | a positive number, optionally with K, M, G or T",
        "IMAGECI_ROOTFS_MAX_BYTES | 0 | a positive number",
        "IMAGECI_ROOTFS_MAX_BYTES | 99999999999T | a positive number",
        "IMAGECI_ROOTFS_MAX_ENTRIES | -5 | a positive number",
        "IMAGECI_ROOTFS_MAX_REDIRECTS | many | a whole number, 0 or more",
        "IMAGECI_ROOTFS_DOWNLOAD_TIMEOUT | 10 minutes | a positive duration such as 30s, 10m or 1h",
        "IMAGECI_ROOTFS_READ_TIMEOUT | 0 | a positive duration",
      })
  void refusesAValueItCannotUseNamingTheVariable(String variable, String value, String expected) {
    assertThatThrownBy(() -> RootfsPolicy.fromEnvironment(Map.of(variable, value)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith(variable + ": expected " + expected)
        .hasMessageEndingWith("(got \"" + value + "\")");
  }
}
