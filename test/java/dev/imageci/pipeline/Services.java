package dev.imageci.pipeline;

import static org.assertj.core.api.Assertions.fail;

import java.util.UUID;

/** The real services the docker and registry tests use, from scripts/services env. */
final class Services {

  private Services() {}

  static String require(String variable) {
    String value = System.getenv(variable);
    if (value == null || value.isEmpty()) {
      fail(variable + " is not set: run `scripts/services start` and eval `scripts/services env`");
    }
    return value;
  }

  static String uniqueRepository(String name) {
    return require("IMAGECI_TEST_REGISTRY")
        + "/imageci-test-docker/"
        + name
        + "-"
        + UUID.randomUUID().toString().substring(0, 8);
  }
}
