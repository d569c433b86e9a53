package dev.imageci.history;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

/** A registry in memory: tags point at digests; it records every tag added. */
final class FakeRegistry implements RegistryProbe {

  private final Map<String, String> tags = new java.util.concurrent.ConcurrentHashMap<>();
  private final Set<String> manifests = new HashSet<>();
  final List<String> added = new ArrayList<>();
  final AtomicInteger digestLookups = new AtomicInteger();
  volatile boolean unreachable;

  FakeRegistry push(String image, String tag, String digest) {
    tags.put(image + ":" + tag, digest);
    manifests.add(image + "@" + digest);
    return this;
  }

  FakeRegistry deleteManifest(String image, String digest) {
    manifests.remove(image + "@" + digest);
    tags.values().remove(digest);
    return this;
  }

  @Override
  public Optional<String> digestOf(String image, String tag) throws IOException {
    digestLookups.incrementAndGet();
    check();
    return Optional.ofNullable(tags.get(image + ":" + tag));
  }

  @Override
  public boolean hasManifest(String image, String digest) throws IOException {
    check();
    return manifests.contains(image + "@" + digest);
  }

  @Override
  public void addTag(String image, String digest, String tag) throws IOException {
    check();
    if (!manifests.contains(image + "@" + digest)) {
      throw new IOException("no manifest " + digest + " in " + image);
    }
    tags.put(image + ":" + tag, digest);
    added.add(tag);
  }

  private void check() throws IOException {
    if (unreachable) {
      throw new IOException("registry unreachable");
    }
  }
}
