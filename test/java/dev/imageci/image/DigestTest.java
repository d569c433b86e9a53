package dev.imageci.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class DigestTest {

  @Test
  void aSha256DigestShowsItsShortHex() {
    Digest digest = Digest.parse("sha256:" + "0123456789ab".repeat(5) + "cdef");

    assertThat(digest.shortHex()).isEqualTo("0123456789ab");
  }

  @Test
  void theDigestOfContentIsItsSha256() {
    // sha256 of "abc", from FIPS 180-2's examples
    assertThat(Digest.of("abc".getBytes(StandardCharsets.US_ASCII)).value())
        .isEqualTo("sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
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
