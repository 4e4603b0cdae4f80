package io.github.trt4j.cli;

import io.github.trt4j.TrtEngine;
import io.github.trt4j.TrtException;
import picocli.CommandLine;

/** Prints trt4j's version and the TensorRT it was made for. */
public final class VersionProvider implements CommandLine.IVersionProvider {
  @Override
  public String[] getVersion() {
    String v = Main.class.getPackage().getImplementationVersion();
    String trt4j = "trt4j " + (v == null ? "(development build)" : v);
    try {
      return new String[] {trt4j, TrtEngine.runtime().toString()};
    } catch (TrtException e) {
      return new String[] {trt4j, "TensorRT: not usable here: " + e.getMessage()};
    }
  }
}
