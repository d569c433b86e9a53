package dev.imageci.docker;

import com.github.dockerjava.api.model.PushResponseItem;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Reads the daemon's push stream: one line per layer when it is done, the digest from the final
 * {@code aux} record, and the first error. Byte-by-byte progress is not shown.
 */
final class PushStream extends DaemonStream<PushResponseItem> {

  private static final Set<String> SHOWN =
      Set.of("Pushed", "Layer already exists", "Preparing", "Waiting");

  private final Consumer<String> lines;
  private final Map<String, String> layerStates = new HashMap<>();
  private volatile String digest;
  private volatile String error;

  PushStream(Consumer<String> lines) {
    this.lines = lines;
  }

  @Override
  public void onNext(PushResponseItem item) {
    if (item.isErrorIndicated() && error == null) {
      error =
          item.getErrorDetail() != null && item.getErrorDetail().getMessage() != null
              ? item.getErrorDetail().getMessage()
              : item.getError();
      return;
    }
    if (item.getAux() != null && item.getAux().getDigest() != null) {
      digest = item.getAux().getDigest();
    }
    String status = item.getStatus();
    if (status == null) {
      return;
    }
    if (item.getId() == null) {
      lines.accept(status);
    } else if (shown(status) && !status.equals(layerStates.put(item.getId(), status))) {
      lines.accept(item.getId() + ": " + status);
    }
  }

  private static boolean shown(String status) {
    return SHOWN.contains(status) || status.startsWith("Mounted from");
  }

  String digest() {
    return digest;
  }

  String error() {
    return error;
  }
}
