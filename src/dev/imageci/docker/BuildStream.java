package dev.imageci.docker;

import com.github.dockerjava.api.model.BuildResponseItem;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Reads the classic builder's JSON stream: prints its text as lines, collapses pull progress to one
 * line per layer and state, and remembers the image id and the first error. The image id alone
 * proves nothing: docker-java once reported one despite an error, so the caller checks both.
 */
final class BuildStream extends DaemonStream<BuildResponseItem> {

  private final LineOutput out;
  private final Map<String, String> layerStates = new HashMap<>();
  private volatile String imageId;
  private volatile String error;

  BuildStream(Consumer<String> lines) {
    this.out = new LineOutput(lines);
  }

  @Override
  public void onNext(BuildResponseItem item) {
    if (item.getStream() != null) {
      out.append(item.getStream());
    }
    if (item.getStatus() != null) {
      status(item.getId(), item.getStatus());
    }
    if (item.isBuildSuccessIndicated()) {
      imageId = item.getImageId();
    }
    if (item.isErrorIndicated() && error == null) {
      String message =
          item.getErrorDetail() != null && item.getErrorDetail().getMessage() != null
              ? item.getErrorDetail().getMessage()
              : item.getError();
      error = message == null ? "the daemon reported an error without a message" : message;
    }
  }

  private void status(String id, String status) {
    if (id == null) {
      out.append(status + "\n");
    } else if (!status.equals(layerStates.put(id, status))) {
      out.append(id + ": " + status + "\n");
    }
  }

  @Override
  public void onComplete() {
    out.flush();
    super.onComplete();
  }

  @Override
  public void onError(Throwable throwable) {
    out.flush();
    super.onError(throwable);
  }

  String imageId() {
    return imageId;
  }

  String error() {
    return error;
  }
}
