package io.github.trt4j.gazeml;

import io.github.trt4j.cli.CommandProvider;

/**
 * Registers {@code trt4j gazeml} ({@link GazeMlRunner}) with the command line: listed in {@code
 * META-INF/services/io.github.trt4j.cli.CommandProvider}, so the command is there whenever this
 * artifact is on the CLI's class path.
 */
public final class GazeMlCommand implements CommandProvider {

  /** For {@link java.util.ServiceLoader}. */
  public GazeMlCommand() {}

  @Override
  public Object command() {
    return new GazeMlRunner();
  }
}
