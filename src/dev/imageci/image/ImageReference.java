package dev.imageci.image;

/**
 * A full image reference: a name with a tag, a digest, or both. {@code scratch} is the empty base.
 */
public record ImageReference(ImageName name, Tag tag, Digest digest) {

  public static final String SCRATCH = "scratch";

  /**
   * Parses {@code name[:tag][@digest]}; a reference with neither gets no tag (Docker reads latest).
   */
  public static ImageReference parse(String text) {
    if (text == null || text.isEmpty()) {
      throw new IllegalArgumentException("image reference is empty");
    }
    String rest = text;
    Digest digest = null;
    int at = rest.indexOf('@');
    if (at >= 0) {
      digest = Digest.parse(rest.substring(at + 1));
      rest = rest.substring(0, at);
    }
    Tag tag = null;
    int colon = rest.lastIndexOf(':');
    if (colon > rest.lastIndexOf('/')) {
      tag = new Tag(rest.substring(colon + 1));
      rest = rest.substring(0, colon);
    }
    return new ImageReference(ImageName.parse(rest), tag, digest);
  }

  public static ImageReference of(ImageName name, Tag tag) {
    return new ImageReference(name, tag, null);
  }

  public boolean isScratch() {
    return name.registry() == null && name.path().equals(SCRATCH) && tag == null && digest == null;
  }

  @Override
  public String toString() {
    StringBuilder text = new StringBuilder(name.toString());
    if (tag != null) {
      text.append(':').append(tag);
    }
    if (digest != null) {
      text.append('@').append(digest);
    }
    return text.toString();
  }
}
