package io.github.trt4j.cli;

import picocli.CommandLine;

/** Prints trt4j's version and the TensorRT it was made for. */
public final class VersionProvider implements CommandLine.IVersionProvider {
  @Override
  public String[] getVersion() {
    String v = Main.class.getPackage().getImplementationVersion();
    return new String[] {"trt4j " + (v == null ? "(development build)" : v) + ", for TensorRT 10.6"};
  }
}
