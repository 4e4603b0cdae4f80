package io.github.trt4j.cli;

import io.github.trt4j.TrtEngine;
import io.github.trt4j.triton.TritonExport;
import io.github.trt4j.triton.TritonOptions;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
    name = "triton-export",
    mixinStandardHelpOptions = true,
    description = {
      "Write an engine into a Triton model repository: REPO/NAME/config.pbtxt,",
      "REPO/NAME/1/model.plan and its sha256 digest (sha256sum -c format).",
      "Loads the engine (needs a GPU) to read its tensors and profiles; refuses, with the reason,",
      "engines Triton could not serve as configured."
    })
final class TritonExportCommand implements Callable<Integer> {

  @Parameters(
      index = "0",
      paramLabel = "ENGINE",
      description = "Serialized TensorRT engine (.engine/.plan).")
  Path engine;

  @Parameters(
      index = "1",
      paramLabel = "REPO",
      description = "Triton model repository directory (created if absent).")
  Path repo;

  @Option(
      names = "--name",
      description = "Model name (default: the engine's file name without extension).")
  String name;

  @Option(
      names = "--max-batch-size",
      defaultValue = "0",
      description =
          "Largest batch Triton may form; 0 = full shapes, no batching (default: ${DEFAULT-VALUE}).")
  int maxBatchSize;

  @Option(
      names = "--dynamic-batching",
      description = "Let Triton combine requests into batches (needs --max-batch-size > 0).")
  boolean dynamicBatching;

  @Option(
      names = "--max-queue-delay-us",
      defaultValue = "0",
      description =
          "Dynamic batching: longest wait to fill a batch, microseconds (0 = Triton's default).")
  long maxQueueDelayMicros;

  @Option(
      names = "--instances",
      defaultValue = "1",
      description = "Model instances per GPU (default: ${DEFAULT-VALUE}).")
  int instances;

  @Option(
      names = "--device",
      defaultValue = "0",
      description = "CUDA device to load the engine on (default: ${DEFAULT-VALUE}).")
  int device;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    try {
      InputPaths.requireReadable(engine, "engine");
    } catch (java.nio.file.NoSuchFileException e) {
      throw new CommandLine.ParameterException(spec.commandLine(), "No engine file " + engine);
    }
    // Options are checked before the (slow, GPU-needing) engine load.
    TritonOptions options =
        new TritonOptions(
            name != null ? name : defaultName(engine),
            maxBatchSize,
            dynamicBatching,
            maxQueueDelayMicros,
            instances);
    PrintWriter out = spec.commandLine().getOut();
    try (TrtEngine e = TrtEngine.load(engine, device)) {
      TritonExport.Result r = TritonExport.export(e, engine, repo, options);
      out.println("Wrote " + r.config());
      out.println("Wrote " + r.plan() + " (sha256 " + r.sha256() + ")");
      out.println(
          "Check with: (cd " + r.plan().getParent() + " && sha256sum -c model.plan.sha256)");
    }
    out.flush();
    return 0;
  }

  static String defaultName(Path engine) {
    String f = engine.getFileName().toString();
    int dot = f.lastIndexOf('.');
    return dot > 0 ? f.substring(0, dot) : f;
  }
}
