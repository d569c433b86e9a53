package dev.imageci.pipeline;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.imageci.config.Config;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The sha256 of a form's canonical JSON and its rootfs' sha256: two builds with the same hash
 * produce the same image content. Tags and remarks are left out, since they do not change the
 * image; map order is kept, since ENV order can matter.
 */
public final class ConfigHash {

  private ConfigHash() {}

  /** {@code sha256:} and 64 hex digits. */
  public static String of(Config config, String rootfsSha256) {
    Map<String, Object> canonical = new LinkedHashMap<>();
    canonical.put("image", config.image().toString());
    canonical.put("from", config.from().toString());
    canonical.put("rootfsSha256", rootfsSha256);
    canonical.put("run", config.run());
    canonical.put("runAfterRootfs", config.runAfterRootfs());
    canonical.put("env", config.env());
    canonical.put("workdir", config.workdir());
    canonical.put("user", config.user());
    canonical.put("expose", config.expose());
    canonical.put("labels", config.labels());
    canonical.put("volumes", config.volumes());
    canonical.put("entrypoint", config.entrypoint());
    canonical.put("cmd", config.cmd());
    canonical.put("test", config.test());
    try {
      byte[] json = new ObjectMapper().writeValueAsBytes(canonical);
      return "sha256:"
          + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(json));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("strings and lists always serialize", e);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java runtime has SHA-256", e);
    }
  }
}
