package dev.imageci.context;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SymlinkIndexTest {

  private final SymlinkIndex index = new SymlinkIndex();
  private final Set<String> symlinks = new HashSet<>();

  @Test
  void findsTheFirstSymlinkAmongTheParents() {
    add("a/b");
    add("a/b/c/d");

    assertThat(index.symlinkParent("a/b/c/d/e", symlinks::contains)).isEqualTo("a/b");
    assertThat(index.symlinkParent("a/bc/d", symlinks::contains)).isNull();
    assertThat(index.symlinkParent("a/b", symlinks::contains))
        .as("the entry itself is not its own parent")
        .isNull();
  }

  @Test
  void forgetsARemovedSymlink() {
    add("lib");

    index.remove("lib");

    assertThat(index.symlinkParent("lib/x", name -> true)).isNull();
  }

  @Test
  void looksFurtherWhenTheCallerDoesNotConfirmAHit() {
    add("a");
    add("a/b/c");

    String parent = index.symlinkParent("a/b/c/d", name -> name.equals("a/b/c"));

    assertThat(parent).isEqualTo("a/b/c");
  }

  @Test
  void findsNothingWhenEmpty() {
    assertThat(index.symlinkParent("a/b/c", name -> true)).isNull();
  }

  private void add(String name) {
    index.add(name);
    symlinks.add(name);
  }
}
