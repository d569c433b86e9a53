package dev.imageci.context;

import java.security.SecureRandom;
import java.util.HashSet;
import java.util.Set;
import java.util.function.Predicate;

/**
 * The symlinks an archive has made so far, found among an entry's parents in one pass over its
 * name. Looking each parent up as a string would cost the name's length once per parent, which a
 * hostile archive of deep names turns into hours of work.
 *
 * <p>Names are remembered by a polynomial hash modulo 2^61-1 with a random base, which an archive
 * cannot aim collisions at; the caller confirms a hit against the real names.
 */
final class SymlinkIndex {

  private static final long MODULUS = (1L << 61) - 1;

  private final long base = 1 + new SecureRandom().nextLong(MODULUS - 1);
  private final Set<Long> hashes = new HashSet<>();

  void add(String name) {
    hashes.add(hash(name, name.length()));
  }

  void remove(String name) {
    hashes.remove(hash(name, name.length()));
  }

  /**
   * The first parent of {@code name} that is a symlink, or null.
   *
   * @param isSymlink confirms a parent whose hash matched, against the real names
   */
  String symlinkParent(String name, Predicate<String> isSymlink) {
    if (hashes.isEmpty()) {
      return null;
    }
    long hash = 0;
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      if (c == '/' && hashes.contains(hash) && isSymlink.test(name.substring(0, i))) {
        return name.substring(0, i);
      }
      hash = next(hash, c);
    }
    return null;
  }

  private long hash(String text, int end) {
    long hash = 0;
    for (int i = 0; i < end; i++) {
      hash = next(hash, text.charAt(i));
    }
    return hash;
  }

  private long next(long hash, char c) {
    long sum = multiply(hash, base) + c + 1;
    return sum >= MODULUS ? sum - MODULUS : sum;
  }

  /** (a * b) mod 2^61-1 for a, b below the modulus, without overflow. */
  private static long multiply(long a, long b) {
    long high = Math.multiplyHigh(a, b);
    long low = a * b;
    long sum = (low & MODULUS) + ((low >>> 61) | (high << 3));
    while (sum >= MODULUS) {
      sum -= MODULUS;
    }
    return sum;
  }
}
