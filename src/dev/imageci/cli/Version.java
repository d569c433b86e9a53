package dev.imageci.cli;

import picocli.CommandLine.IVersionProvider;

/** Reads the version Maven wrote into the jar's manifest. */
final class Version implements IVersionProvider {

  @Override
  public String[] getVersion() {
    String version = ImageCi.class.getPackage().getImplementationVersion();
    return new String[] {"imageci " + (version == null ? "(development build)" : version)};
  }
}
