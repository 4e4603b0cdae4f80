package io.github.trt4j.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code trt4j} command line: inspect, build and run TensorRT engines. */
@Command(
    name = "trt4j",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    description = "Inspect, build and run NVIDIA TensorRT 10 engines from Java.",
    subcommands = {
      InspectCommand.class,
      BuildCommand.class,
      RunCommand.class,
      BenchCommand.class,
      VerifyCommand.class,
      TritonExportCommand.class,
      io.github.trt4j.gazeml.GazeMlRunner.class
    })
public final class Main implements Runnable {

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  public static void main(String[] args) {
    System.exit(commandLine().execute(args));
  }

  /** The configured command line (also used by tests). */
  public static CommandLine commandLine() {
    CommandLine cl = new CommandLine(new Main());
    cl.setExecutionExceptionHandler(
        (ex, cmd, parsed) -> {
          // Some JDK exceptions carry no message; never print "trt4j: null".
          String m = ex.getMessage() == null ? ex.toString() : ex.getMessage();
          cmd.getErr().println(cmd.getColorScheme().errorText("trt4j: " + m));
          if (Boolean.getBoolean("trt4j.stacktrace")) {
            ex.printStackTrace(cmd.getErr());
          }
          return 1;
        });
    return cl;
  }

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(),
        "Missing command: inspect, build, run, bench, verify, triton-export or gazeml");
  }
}
