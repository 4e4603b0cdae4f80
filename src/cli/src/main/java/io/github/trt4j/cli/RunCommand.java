package io.github.trt4j.cli;

import io.github.trt4j.Inferer;
import io.github.trt4j.Npy;
import io.github.trt4j.Shape;
import io.github.trt4j.Tensor;
import io.github.trt4j.TensorSpec;
import io.github.trt4j.TrtEngine;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
    name = "run",
    mixinStandardHelpOptions = true,
    description = {
      "Run an engine on inputs from .npy files; write one .npy per output.",
      "float32 files also feed float16/bf16 inputs; other types must match the engine's.",
      "An ONNX model is built once and cached; its profile comes from --shapes or, when absent,",
      "from the shapes of the given inputs."
    })
final class RunCommand implements Callable<Integer> {

  @Parameters(
      index = "0",
      paramLabel = "ENGINE|MODEL.onnx",
      description = "Serialized TensorRT engine, or an ONNX model.")
  Path engine;

  @Option(
      names = "--shapes",
      split = ",",
      paramLabel = "NAME:DIMS",
      description = "For an ONNX model: build-profile shapes (default: the inputs' shapes).")
  List<String> shapes = List.of();

  @Option(names = "--fp16", description = "For an ONNX model: allow FP16 kernels in the build.")
  boolean fp16;

  @Option(
      names = {"-i", "--input"},
      paramLabel = "NAME=FILE.npy",
      description = "An input tensor (repeat for each input).")
  List<String> inputs = List.of();

  @Option(
      names = {"-o", "--output-dir"},
      required = true,
      paramLabel = "DIR",
      description = "Where to write OUTPUT_NAME.npy files.")
  Path outputDir;

  @Option(
      names = "--device",
      defaultValue = "0",
      description = "CUDA device index (default: ${DEFAULT-VALUE}).")
  int device;

  @Option(
      names = "--profile",
      defaultValue = "0",
      description = "Optimization profile (default: ${DEFAULT-VALUE}).")
  int profile;

  @Option(
      names = "--repeat",
      defaultValue = "0",
      paramLabel = "N",
      description = "Also time N more runs and print latency percentiles.")
  int repeat;

  @CommandLine.Mixin PluginOption plugins = new PluginOption();

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    Map<String, Path> files = parseInputs(inputs);
    // Where the outputs go is checked (and made) before anything slow or GPU-bound happens.
    prepareOutputDir(outputDir);
    PrintWriter out = spec.commandLine().getOut();
    Map<String, Tensor> raw = new LinkedHashMap<>();
    for (Map.Entry<String, Path> f : files.entrySet()) {
      raw.put(f.getKey(), Npy.read(f.getValue()));
    }
    Map<String, Shape> buildShapes = EngineSource.parseShapes(shapes);
    if (buildShapes.isEmpty()) {
      raw.forEach((k, v) -> buildShapes.put(k, v.shape()));
    }
    try (TrtEngine e = EngineSource.load(engine, buildShapes, fp16, device, out, plugins);
        Inferer inferer = e.createInferer(profile)) {
      Map<String, Tensor> feed = new LinkedHashMap<>();
      for (Map.Entry<String, Path> f : files.entrySet()) {
        TensorSpec s =
            e.inputs().stream()
                .filter(t -> t.name().equals(f.getKey()))
                .findFirst()
                .orElseThrow(
                    () ->
                        new IllegalArgumentException(
                            "Unknown input '"
                                + f.getKey()
                                + "'; inputs are "
                                + e.inputs().stream().map(TensorSpec::name).toList()));
        feed.put(f.getKey(), coerce(raw.get(f.getKey()), s, f.getValue()));
      }
      Map<String, Tensor> result = inferer.run(feed);
      Map<String, String> names = fileNames(List.copyOf(result.keySet()));
      for (Map.Entry<String, String> n : names.entrySet()) {
        if (!n.getValue().equals(fileName(n.getKey()))) {
          out.printf(
              "note: output '%s' would share the file name %s.npy with another output;"
                  + " writing it as %s.npy%n",
              n.getKey(), fileName(n.getKey()), n.getValue());
        }
      }
      for (Map.Entry<String, Tensor> r : result.entrySet()) {
        Path p = outputDir.resolve(names.get(r.getKey()) + ".npy");
        Npy.write(p, r.getValue());
        out.printf(
            "%s  %s %s -> %s%n",
            r.getKey(), r.getValue().dataType().displayName(), r.getValue().shape().joined(), p);
      }
      if (repeat > 0) {
        long[] ns = new long[repeat];
        for (int i = 0; i < repeat; i++) {
          long t0 = System.nanoTime();
          inferer.run(feed);
          ns[i] = System.nanoTime() - t0;
        }
        Arrays.sort(ns);
        out.printf(
            "latency over %d runs: min %.3f ms, p50 %.3f ms, p90 %.3f ms, p99 %.3f ms%n",
            repeat, ns[0] / 1e6, pct(ns, 50) / 1e6, pct(ns, 90) / 1e6, pct(ns, 99) / 1e6);
      }
    }
    out.flush();
    return 0;
  }

  /**
   * Makes {@code dir} (and its parents) if needed and requires it to be a writable directory.
   *
   * @throws IOException naming the directory and why: a file, a dangling or looping link, a
   *     location under a file, or no permission
   */
  static void prepareOutputDir(Path dir) throws java.io.IOException {
    String prefix = "Cannot write outputs to --output-dir " + dir + ": ";
    if (InputPaths.present(dir, "output")) {
      java.nio.file.attribute.BasicFileAttributes a;
      try {
        a = Files.readAttributes(dir, java.nio.file.attribute.BasicFileAttributes.class);
      } catch (java.nio.file.NoSuchFileException e) {
        throw new java.io.IOException(prefix + "it is a dangling symbolic link", e);
      } catch (java.io.IOException e) {
        throw new java.io.IOException(prefix + InputPaths.reason(e), e);
      }
      if (!a.isDirectory()) {
        throw new java.io.IOException(prefix + "it exists and is not a directory");
      }
    } else {
      try {
        Files.createDirectories(dir);
      } catch (java.nio.file.FileAlreadyExistsException e) {
        throw new java.io.IOException(
            prefix + "cannot create it: " + e.getFile() + " exists and is not a directory", e);
      } catch (java.io.IOException e) {
        throw new java.io.IOException(prefix + "cannot create it: " + InputPaths.reason(e), e);
      }
    }
    if (!Files.isWritable(dir)) {
      throw new java.io.IOException(prefix + "permission denied");
    }
  }

  static long pct(long[] sorted, int p) {
    int i = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(sorted.length - 1, i))];
  }

  /** Output names can hold characters that files cannot ("/", ":"); replace them. */
  static String fileName(String tensor) {
    String f = tensor.replaceAll("[^A-Za-z0-9._-]", "_");
    return f.isEmpty() || f.equals(".") || f.equals("..") ? f.replace('.', '_') + "_" : f;
  }

  /**
   * One file stem per output, in engine order: the sanitized name, and where two outputs would
   * share one (also when only letter case differs, for case-insensitive file systems) the later
   * gets {@code __2}, {@code __3}, ... so that no output overwrites another.
   */
  static Map<String, String> fileNames(List<String> tensors) {
    Map<String, String> out = new LinkedHashMap<>();
    java.util.Set<String> taken = new java.util.HashSet<>();
    for (String t : tensors) {
      taken.add(fileName(t).toLowerCase(java.util.Locale.ROOT));
    }
    java.util.Set<String> used = new java.util.HashSet<>();
    for (String t : tensors) {
      String base = fileName(t);
      String name = base;
      // A suffixed stem must not be one that another output has as its own sanitized name.
      for (int k = 2; used.contains(lower(name)) || (k > 2 && taken.contains(lower(name))); k++) {
        name = base + "__" + k;
      }
      used.add(lower(name));
      out.put(t, name);
    }
    return out;
  }

  private static String lower(String s) {
    return s.toLowerCase(java.util.Locale.ROOT);
  }

  static Map<String, Path> parseInputs(List<String> entries) {
    Map<String, Path> m = new LinkedHashMap<>();
    for (String e : entries) {
      int eq = e.indexOf('=');
      if (eq <= 0 || eq == e.length() - 1) {
        throw new IllegalArgumentException("--input '" + e + "' is not NAME=FILE.npy");
      }
      if (m.put(e.substring(0, eq), Path.of(e.substring(eq + 1))) != null) {
        throw new IllegalArgumentException("--input names '" + e.substring(0, eq) + "' twice");
      }
    }
    return m;
  }

  /** float32 data feeds float16/bf16 inputs; every other type must match. */
  static Tensor coerce(Tensor t, TensorSpec s, Path file) {
    if (t.dataType() == s.dataType()) {
      return t;
    }
    if (t.dataType().isFloatingPoint() && s.dataType().isFloatingPoint()) {
      return Tensor.fromFloats(s.dataType(), t.shape(), t.floats());
    }
    throw new IllegalArgumentException(
        "Input '"
            + s.name()
            + "' is "
            + s.dataType().displayName()
            + "; "
            + file
            + " holds "
            + t.dataType().displayName());
  }
}
