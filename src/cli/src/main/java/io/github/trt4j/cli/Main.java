package io.github.trt4j.cli;

import java.util.ServiceLoader;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code trt4j} command line: inspect, build and run TensorRT engines. Other artifacts add
 * commands through {@link CommandProvider} (the GazeML sample's {@code gazeml}).
 */
@Command(
    name = "trt4j",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    description = "Inspect, build and run NVIDIA TensorRT engines from Java.",
    subcommands = {
      InspectCommand.class,
      BuildCommand.class,
      RunCommand.class,
      BenchCommand.class,
      VerifyCommand.class,
      TritonExportCommand.class
    })
public final class Main implements Runnable {

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  /** The logger TensorRT's own messages go to ({@code internal.trt.TrtLog}). */
  static final String TENSORRT_LOGGER = "org.slf4j.simpleLogger.log.io.github.trt4j.TensorRT";

  @CommandLine.Option(
      names = "--verbose",
      scope = CommandLine.ScopeType.INHERIT,
      description = "Print TensorRT's INFO lines too (by default only its warnings and errors).")
  boolean verbose;

  public static void main(String[] args) {
    quietTensorRt(args);
    System.exit(commandLine().execute(args));
  }

  /**
   * TensorRT's INFO lines (dozens per engine build) only with {@code --verbose}, unless the user
   * set the level themselves; must run before the first logger is made.
   */
  static void quietTensorRt(String[] args) {
    if (System.getProperty(TENSORRT_LOGGER) == null
        && !java.util.List.of(args).contains("--verbose")) {
      System.setProperty(TENSORRT_LOGGER, "warn");
    }
  }

  /** The configured command line (also used by tests). */
  public static CommandLine commandLine() {
    CommandLine cl = new CommandLine(new Main());
    for (CommandProvider p : ServiceLoader.load(CommandProvider.class)) {
      cl.addSubcommand(p.command());
    }
    cl.setExecutionExceptionHandler(
        (ex, cmd, parsed) -> {
          // Some JDK exceptions carry no message; never print "trt4j: null".
          String m = ex.getMessage() == null ? ex.toString() : ex.getMessage();
          cmd.getErr().println(cmd.getColorScheme().errorText("trt4j: " + m));
          String hint = pathEncodingHint(ex);
          if (hint != null) {
            cmd.getErr().println(hint);
          }
          if (Boolean.getBoolean("trt4j.stacktrace")) {
            ex.printStackTrace(cmd.getErr());
          }
          return 1;
        });
    CommandLine.IParameterExceptionHandler usage = cl.getParameterExceptionHandler();
    cl.setParameterExceptionHandler(
        (ex, args) -> {
          int code = usage.handleParseException(ex, args);
          String hint = pathEncodingHint(ex);
          if (hint != null) {
            ex.getCommandLine().getErr().println(hint);
          }
          return code;
        });
    return cl;
  }

  /**
   * A hint for a path the JVM could not encode as a file name: under {@code LC_ALL=C} (or any
   * non-UTF-8 locale) the JDK encodes file names as ASCII and reports only "Malformed input or
   * input contains unmappable characters"; null for any other failure.
   */
  static String pathEncodingHint(Throwable ex) {
    for (Throwable t = ex; t != null; t = t.getCause()) {
      String m = String.valueOf(t.getMessage());
      if (t instanceof java.nio.file.InvalidPathException
          || m.contains("Malformed input or input contains unmappable characters")) {
        String enc = System.getProperty("sun.jnu.encoding", "?");
        return "hint: a path holds characters that the file-name encoding "
            + enc
            + " (from the locale: LC_ALL, LC_CTYPE, LANG) cannot represent; run under a UTF-8"
            + " locale, e.g. LC_ALL=C.UTF-8";
      }
    }
    return null;
  }

  @Override
  public void run() {
    java.util.List<String> names = java.util.List.copyOf(spec.subcommands().keySet());
    throw new CommandLine.ParameterException(
        spec.commandLine(),
        "Missing command: "
            + String.join(", ", names.subList(0, names.size() - 1))
            + " or "
            + names.getLast());
  }
}
