package io.github.trt4j.cli;

import io.github.trt4j.PlanDigest;
import io.github.trt4j.PlanHeader;
import io.github.trt4j.ShapeRange;
import io.github.trt4j.TensorSpec;
import io.github.trt4j.TrtEngine;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
    name = "inspect",
    mixinStandardHelpOptions = true,
    description = {
      "Print an engine's I/O tensors, versions, device memory and profiles.",
      "The table lists index, name, shape (dims joined by x, -1 = dynamic), direction and data type."
    })
final class InspectCommand implements Callable<Integer> {

  @Parameters(
      index = "0",
      paramLabel = "ENGINE",
      description = "Serialized TensorRT engine (.engine/.plan).")
  Path engine;

  @Option(names = "--header-only", description = "Only read the plan header (needs no GPU).")
  boolean headerOnly;

  @Option(
      names = "--device",
      defaultValue = "0",
      description = "CUDA device index (default: ${DEFAULT-VALUE}).")
  int device;

  @CommandLine.Mixin PluginOption plugins = new PluginOption();

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  /** Whether the engine's sha256sum file is there and matches, in words. */
  static String digestStatus(Path engine) throws java.io.IOException {
    PlanDigest.Check c = PlanDigest.check(engine);
    return switch (c.state()) {
      case MALFORMED -> "MALFORMED: " + c.problem();
      case NONE ->
          "none (trt4j verify --write-digest " + engine + " checks the plan and writes one)";
      case MATCH ->
          "sha256 " + c.actual() + " matches " + PlanDigest.digestFile(engine).getFileName();
      case MISMATCH ->
          "MISMATCH: "
              + PlanDigest.digestFile(engine).getFileName()
              + " records "
              + c.recorded()
              + ", the file's content is "
              + c.actual();
    };
  }

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    PlanHeader header = PlanHeader.read(engine);
    out.println("Engine:   " + engine);
    out.println("Built by: TensorRT " + header.fullVersion());
    out.println(
        "Size:     "
            + java.nio.file.Files.size(engine)
            + " bytes (header says "
            + header.declaredBytes()
            + ")");
    out.println("Digest:   " + digestStatus(engine));
    if (headerOnly) {
      out.flush();
      return 0;
    }
    try (TrtEngine e =
        TrtEngine.load(
            engine, plugins.apply(io.github.trt4j.LoadOptions.defaults().device(device)))) {
      out.println("Runtime:  " + TrtEngine.runtime());
      out.printf(
          "Device memory: %.1f MiB per execution context%n", e.deviceMemorySize() / 1048576.0);
      out.println("Layers:   " + e.layerCount());
      out.println("Hardware compatibility: " + e.hardwareCompatibility());
      out.println("Optimization profiles: " + e.profileCount());
      for (TensorSpec t : e.inputs()) {
        for (int p = 0; p < t.profiles().size(); p++) {
          ShapeRange r = t.profiles().get(p);
          out.printf(
              "  profile %d  %s  min %s  opt %s  max %s%n",
              p, t.name(), r.min().joined(), r.opt().joined(), r.max().joined());
        }
      }
      out.println();
      out.print(e.describe());
    }
    out.flush();
    return 0;
  }
}
