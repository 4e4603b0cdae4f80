package io.github.trt4j.cli;

/**
 * A command another artifact adds to the {@code trt4j} command line. Implementations are found with
 * {@link java.util.ServiceLoader} on the class path (a {@code
 * META-INF/services/io.github.trt4j.cli.CommandProvider} file naming them), so the command line
 * names none of them: the GazeML sample (trt4j-gazeml) registers {@code trt4j gazeml} this way.
 */
public interface CommandProvider {

  /**
   * A new instance of a picocli {@code @Command}-annotated class; its {@code name} is the
   * sub-command's name.
   *
   * @return the command object, one per command line built
   */
  Object command();
}
