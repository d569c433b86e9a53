package dev.imageci.pipeline;

import dev.imageci.docker.DockerException;
import dev.imageci.docker.DockerImages;
import dev.imageci.image.ImageName;
import dev.imageci.image.Tag;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Step: the finished image gets its real tags and loses the temporary one. */
final class TagImage {

  private static final Logger LOG = LoggerFactory.getLogger(TagImage.class);

  private final DockerImages docker;

  TagImage(DockerImages docker) {
    this.docker = docker;
  }

  void call(String imageId, ImageName image, List<Tag> tags, String temporaryTag)
      throws DockerException {
    for (Tag tag : tags) {
      docker.tag(imageId, image, tag);
      LOG.info("Tagged {}:{}", image, tag);
    }
    docker.remove(temporaryTag);
  }
}
