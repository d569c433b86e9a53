package dev.imageci.history;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Map;

/**
 * Who started a build and from where: the user ({@code --user}, else Jenkins' {@code
 * BUILD_USER_ID}, else the OS user), the Jenkins job, build number and URL, and the host.
 */
public record Trigger(
    String user, String jobName, String buildNumber, String buildUrl, String host) {

  /** Reads the Jenkins variables from {@code env}; {@code userOption} is --user, or null. */
  public static Trigger from(String userOption, Map<String, String> env) {
    String user = firstSet(userOption, env.get("BUILD_USER_ID"), System.getProperty("user.name"));
    return new Trigger(
        user,
        firstSet(env.get("JOB_NAME")),
        firstSet(env.get("BUILD_NUMBER")),
        firstSet(env.get("BUILD_URL")),
        hostName(env));
  }

  /** Jenkins' console log of the build, when the build runs in Jenkins. */
  public String logUrl() {
    if (buildUrl == null) {
      return null;
    }
    return buildUrl.endsWith("/") ? buildUrl + "console" : buildUrl + "/console";
  }

  static String hostName(Map<String, String> env) {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (UnknownHostException e) {
      String name = firstSet(env.get("HOSTNAME"), env.get("NODE_NAME"));
      return name == null ? "unknown-host" : name;
    }
  }

  private static String firstSet(String... values) {
    for (String value : values) {
      if (value != null && !value.isBlank()) {
        return value.strip();
      }
    }
    return null;
  }
}
