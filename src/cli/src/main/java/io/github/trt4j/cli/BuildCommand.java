package io.github.trt4j.cli;

import io.github.trt4j.EngineBuilder;
import io.github.trt4j.ShapeRange;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
    name = "build",
    mixinStandardHelpOptions = true,
    description = "Build a TensorRT engine from an ONNX model.")
final class BuildCommand implements Callable<Integer> {

  @Parameters(index = "0", paramLabel = "MODEL.onnx", description = "The ONNX model.")
  Path model;

  @Option(
      names = {"-o", "--output"},
      required = true,
      paramLabel = "ENGINE",
      description = "Where to write the engine.")
  Path output;

  @Option(names = "--fp16", description = "Allow FP16 kernels.")
  boolean fp16;

  @Option(names = "--no-tf32", description = "Forbid TF32 for FP32 matrix work (strict FP32).")
  boolean noTf32;

  @Option(
      names = "--workspace",
      paramLabel = "MiB",
      description = "Cap the builder workspace, in MiB.")
  long workspaceMib;

  @Option(
      names = "--shapes",
      split = ",",
      paramLabel = "NAME:MIN/OPT/MAX",
      description = {
        "Optimization profile ranges, e.g. x:1x8/8x8/16x8 (repeat or comma-separate for",
        "several inputs; all together form one profile). Without it, dynamic dimensions are",
        "built as 1, with a warning naming the inputs (as trtexec does)."
      })
  List<String> shapes = List.of();

  @Option(
      names = "--timing-cache",
      paramLabel = "FILE",
      description = "Timing cache to read (if present) and update.")
  Path timingCache;

  @Option(
      names = "--device",
      defaultValue = "0",
      description = "CUDA device index (default: ${DEFAULT-VALUE}).")
  int device;

  @CommandLine.Mixin PluginOption plugins = new PluginOption();

  @Option(
      names = "--hardwareCompatibilityLevel",
      paramLabel = "none|ampere+|same-compute-capability",
      description = "GPUs the plan may run on besides this one's kind (default none).")
  String hardwareCompatibility = "none";

  @Option(
      names = "--versionCompatible",
      description = {
        "Build a plan later TensorRT releases of this major can run (loading it needs",
        "--allow-host-code; needs libnvinfer_lean, which bytedeco's 10.6 redist lacks)."
      })
  boolean versionCompatible;

  @Option(
      names = "--excludeLeanRuntime",
      description = "With --versionCompatible: leave the lean runtime out.")
  boolean excludeLeanRuntime;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    if (excludeLeanRuntime && !versionCompatible) {
      throw new IllegalArgumentException("--excludeLeanRuntime needs --versionCompatible");
    }
    EngineBuilder b =
        plugins
            .apply(EngineBuilder.fromOnnx(model))
            .fp16(fp16)
            .tf32(!noTf32)
            .device(device)
            .hardwareCompatibility(
                io.github.trt4j.HardwareCompatibility.parse(hardwareCompatibility))
            .versionCompatible(versionCompatible)
            .excludeLeanRuntime(excludeLeanRuntime)
            .workspace(workspaceBytes(workspaceMib))
            .timingCache(timingCache);
    Map<String, ShapeRange> profile = parseShapes(shapes);
    if (!profile.isEmpty()) {
      b.profile(profile);
    }
    long bytes = b.buildTo(output);
    spec.commandLine()
        .getOut()
        .printf(
            "Wrote %s (%d bytes) and its digest %s%n",
            output, bytes, io.github.trt4j.PlanDigest.digestFile(output));
    spec.commandLine().getOut().flush();
    return 0;
  }

  /** MiB to bytes, refusing what would overflow (2^44 MiB wrapped to 0, i.e. "no limit"). */
  static long workspaceBytes(long mib) {
    if (mib < 0) {
      throw new IllegalArgumentException("--workspace must be >= 0 MiB; got " + mib);
    }
    if (mib > Long.MAX_VALUE >> 20) {
      throw new IllegalArgumentException(
          "--workspace "
              + mib
              + " MiB is too large: at most "
              + (Long.MAX_VALUE >> 20)
              + " MiB fits in a byte count (0 leaves TensorRT's default)");
    }
    return mib << 20;
  }

  /**
   * Parses {@code name:MIN/OPT/MAX} entries; the name may itself contain ':' (the last one splits).
   */
  static Map<String, ShapeRange> parseShapes(List<String> entries) {
    Map<String, ShapeRange> m = new LinkedHashMap<>();
    for (String e : entries) {
      int colon = e.lastIndexOf(':');
      if (colon <= 0 || colon == e.length() - 1) {
        throw new IllegalArgumentException(
            "--shapes entry '" + e + "' is not NAME:MIN/OPT/MAX (e.g. x:1x8/8x8/16x8)");
      }
      String name = e.substring(0, colon);
      if (m.put(name, ShapeRange.parse(e.substring(colon + 1))) != null) {
        throw new IllegalArgumentException("--shapes names input '" + name + "' twice");
      }
    }
    return m;
  }
}
