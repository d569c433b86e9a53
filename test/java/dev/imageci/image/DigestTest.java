package dev.imageci.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class DigestTest {

  @Test
  void aSha256DigestShowsItsShortHex() {
    Digest digest = Digest.parse("sha256:" + "0123456789ab".repeat(5) + "cdef");

    assertThat(digest.shortHex()).isEqualTo("0123456789ab");
  }

  @Test
  void onlyLowercaseSha256IsAccepted() {
    assertThatThrownBy(() -> Digest.parse("sha256:" + "A".repeat(64)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Digest.parse("sha512:" + "a".repeat(64)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Digest.parse(null)).isInstanceOf(IllegalArgumentException.class);
  }
}
