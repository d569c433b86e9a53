package dev.imageci.context;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * What an administrator allows for rootfs archives. Defaults are safe for hostile forms and large
 * enough for real root filesystems; each one can be changed through an environment variable (see
 * the README, "Rootfs archives").
 *
 * @param allowPrivateHosts download from loopback, private, link-local and other non-public
 *     addresses too
 * @param allowedHosts when not empty, the only hosts a rootfs may be downloaded from (lower case);
 *     these may resolve to any address
 * @param maxUncompressedBytes the most bytes the archive's entries may hold once uncompressed
 * @param maxEntries the most entries an archive may have
 * @param maxNameLength the longest entry name, in characters
 * @param maxLinkTargetLength the longest symlink or hardlink target, in characters
 * @param maxDownloadBytes the largest archive downloaded, as it comes over the wire
 * @param maxRedirects the most redirects followed for one download
 * @param connectTimeout how long connecting to a host may take
 * @param readTimeout how long a download may wait for the next bytes
 * @param downloadTimeout how long a whole download may take, redirects included
 * @param downloadDirectory where downloads are written, or null for {@code java.io.tmpdir}
 */
public record RootfsPolicy(
    boolean allowPrivateHosts,
    Set<String> allowedHosts,
    long maxUncompressedBytes,
    long maxEntries,
    int maxNameLength,
    int maxLinkTargetLength,
    long maxDownloadBytes,
    int maxRedirects,
    Duration connectTimeout,
    Duration readTimeout,
    Duration downloadTimeout,
    Path downloadDirectory) {

  public static final String ALLOW_PRIVATE_HOSTS = "IMAGECI_ROOTFS_ALLOW_PRIVATE_HOSTS";
  public static final String ALLOWED_HOSTS = "IMAGECI_ROOTFS_ALLOWED_HOSTS";
  public static final String MAX_BYTES = "IMAGECI_ROOTFS_MAX_BYTES";
  public static final String MAX_ENTRIES = "IMAGECI_ROOTFS_MAX_ENTRIES";
  public static final String MAX_NAME_LENGTH = "IMAGECI_ROOTFS_MAX_NAME_LENGTH";
  public static final String MAX_LINK_LENGTH = "IMAGECI_ROOTFS_MAX_LINK_LENGTH";
  public static final String MAX_DOWNLOAD_BYTES = "IMAGECI_ROOTFS_MAX_DOWNLOAD_BYTES";
  public static final String MAX_REDIRECTS = "IMAGECI_ROOTFS_MAX_REDIRECTS";
  public static final String CONNECT_TIMEOUT = "IMAGECI_ROOTFS_CONNECT_TIMEOUT";
  public static final String READ_TIMEOUT = "IMAGECI_ROOTFS_READ_TIMEOUT";
  public static final String DOWNLOAD_TIMEOUT = "IMAGECI_ROOTFS_DOWNLOAD_TIMEOUT";

  private static final long GIB = 1L << 30;
  private static final Pattern SIZE = Pattern.compile("(\\d{1,18})([KMGT]?)(?:I?B)?");
  private static final Pattern DURATION = Pattern.compile("(\\d{1,9})(ms|s|m|h)?");

  public RootfsPolicy {
    allowedHosts = Set.copyOf(allowedHosts);
    requirePositive("maxUncompressedBytes", maxUncompressedBytes);
    requirePositive("maxEntries", maxEntries);
    requirePositive("maxNameLength", maxNameLength);
    requirePositive("maxLinkTargetLength", maxLinkTargetLength);
    requirePositive("maxDownloadBytes", maxDownloadBytes);
    if (maxRedirects < 0) {
      throw new IllegalArgumentException("maxRedirects must not be negative: " + maxRedirects);
    }
  }

  /** The safe defaults, with private hosts allowed or not. */
  public RootfsPolicy(boolean allowPrivateHosts) {
    this(
        allowPrivateHosts,
        Set.of(),
        8 * GIB,
        500_000,
        4096,
        4096,
        4 * GIB,
        5,
        Duration.ofSeconds(10),
        Duration.ofSeconds(60),
        Duration.ofMinutes(30),
        null);
  }

  public static RootfsPolicy defaults() {
    return new RootfsPolicy(false);
  }

  /**
   * Reads the policy from {@code IMAGECI_ROOTFS_*} environment variables (and {@code IMAGECI_HOME}
   * for the download directory); a variable that is not set keeps its default.
   *
   * @throws IllegalArgumentException naming the variable when a value cannot be used
   */
  public static RootfsPolicy fromEnvironment(Map<String, String> env) {
    RootfsPolicy defaults = defaults();
    String home = env.get("IMAGECI_HOME");
    return new RootfsPolicy(
        bool(env, ALLOW_PRIVATE_HOSTS, defaults.allowPrivateHosts),
        hosts(env.get(ALLOWED_HOSTS)),
        size(env, MAX_BYTES, defaults.maxUncompressedBytes),
        size(env, MAX_ENTRIES, defaults.maxEntries),
        (int) Math.min(Integer.MAX_VALUE, size(env, MAX_NAME_LENGTH, defaults.maxNameLength)),
        (int) Math.min(Integer.MAX_VALUE, size(env, MAX_LINK_LENGTH, defaults.maxLinkTargetLength)),
        size(env, MAX_DOWNLOAD_BYTES, defaults.maxDownloadBytes),
        (int) Math.min(100, count(env, MAX_REDIRECTS, defaults.maxRedirects)),
        duration(env, CONNECT_TIMEOUT, defaults.connectTimeout),
        duration(env, READ_TIMEOUT, defaults.readTimeout),
        duration(env, DOWNLOAD_TIMEOUT, defaults.downloadTimeout),
        home == null || home.isBlank() ? null : Path.of(home, "tmp"));
  }

  public RootfsPolicy withAllowPrivateHosts(boolean allow) {
    return new RootfsPolicy(
        allow,
        allowedHosts,
        maxUncompressedBytes,
        maxEntries,
        maxNameLength,
        maxLinkTargetLength,
        maxDownloadBytes,
        maxRedirects,
        connectTimeout,
        readTimeout,
        downloadTimeout,
        downloadDirectory);
  }

  public RootfsPolicy withArchiveLimits(
      long maxUncompressedBytes, long maxEntries, int maxNameLength, int maxLinkTargetLength) {
    return new RootfsPolicy(
        allowPrivateHosts,
        allowedHosts,
        maxUncompressedBytes,
        maxEntries,
        maxNameLength,
        maxLinkTargetLength,
        maxDownloadBytes,
        maxRedirects,
        connectTimeout,
        readTimeout,
        downloadTimeout,
        downloadDirectory);
  }

  public RootfsPolicy withDownloadLimits(
      long maxDownloadBytes, int maxRedirects, Duration readTimeout, Duration downloadTimeout) {
    return new RootfsPolicy(
        allowPrivateHosts,
        allowedHosts,
        maxUncompressedBytes,
        maxEntries,
        maxNameLength,
        maxLinkTargetLength,
        maxDownloadBytes,
        maxRedirects,
        connectTimeout,
        readTimeout,
        downloadTimeout,
        downloadDirectory);
  }

  public RootfsPolicy withDownloadDirectory(Path directory) {
    return new RootfsPolicy(
        allowPrivateHosts,
        allowedHosts,
        maxUncompressedBytes,
        maxEntries,
        maxNameLength,
        maxLinkTargetLength,
        maxDownloadBytes,
        maxRedirects,
        connectTimeout,
        readTimeout,
        downloadTimeout,
        directory);
  }

  /** The end of a message about a limit: how an administrator changes it. */
  static String hint(String variable) {
    return variable == null ? "" : " (an administrator can change it with " + variable + ")";
  }

  private static void requirePositive(String name, long value) {
    if (value <= 0) {
      throw new IllegalArgumentException(name + " must be positive: " + value);
    }
  }

  private static boolean bool(Map<String, String> env, String name, boolean fallback) {
    String value = env.get(name);
    if (value == null || value.isBlank()) {
      return fallback;
    }
    return switch (value.trim().toLowerCase(Locale.ROOT)) {
      case "true", "1", "yes" -> true;
      case "false", "0", "no" -> false;
      default -> throw invalid(name, "true or false", value);
    };
  }

  private static Set<String> hosts(String value) {
    if (value == null) {
      return Set.of();
    }
    return Arrays.stream(value.split(","))
        .map(host -> host.trim().toLowerCase(Locale.ROOT))
        .filter(host -> !host.isEmpty())
        .collect(Collectors.toUnmodifiableSet());
  }

  /** A count or a size in bytes, with an optional binary suffix: 8G, 512M, 64K. */
  private static long size(Map<String, String> env, String name, long fallback) {
    String value = env.get(name);
    if (value == null || value.isBlank()) {
      return fallback;
    }
    Matcher matcher = SIZE.matcher(value.trim().toUpperCase(Locale.ROOT));
    if (!matcher.matches()) {
      throw invalid(name, "a positive number, optionally with K, M, G or T", value);
    }
    int shift = " KMGT".indexOf(matcher.group(2).isEmpty() ? " " : matcher.group(2)) * 10;
    long number = Long.parseLong(matcher.group(1));
    if (number <= 0 || Long.numberOfLeadingZeros(number) <= shift) {
      throw invalid(name, "a positive number, optionally with K, M, G or T", value);
    }
    return number << shift;
  }

  private static long count(Map<String, String> env, String name, long fallback) {
    String value = env.get(name);
    if (value == null || value.isBlank()) {
      return fallback;
    }
    if (!value.trim().matches("\\d{1,9}")) {
      throw invalid(name, "a whole number, 0 or more", value);
    }
    return Long.parseLong(value.trim());
  }

  /** Seconds, or a number with ms, s, m or h. */
  private static Duration duration(Map<String, String> env, String name, Duration fallback) {
    String value = env.get(name);
    if (value == null || value.isBlank()) {
      return fallback;
    }
    Matcher matcher = DURATION.matcher(value.trim());
    if (!matcher.matches() || Long.parseLong(matcher.group(1)) == 0) {
      throw invalid(name, "a positive duration such as 30s, 10m or 1h", value);
    }
    long number = Long.parseLong(matcher.group(1));
    String unit = matcher.group(2) == null ? "s" : matcher.group(2);
    return switch (unit) {
      case "ms" -> Duration.ofMillis(number);
      case "m" -> Duration.ofMinutes(number);
      case "h" -> Duration.ofHours(number);
      default -> Duration.ofSeconds(number);
    };
  }

  private static IllegalArgumentException invalid(String name, String expected, String value) {
    return new IllegalArgumentException(
        name + ": expected " + expected + " (got \"" + value + "\")");
  }
}
