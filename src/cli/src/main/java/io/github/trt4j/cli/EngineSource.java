package io.github.trt4j.cli;

import io.github.trt4j.EngineBuilder;
import io.github.trt4j.EngineCache;
import io.github.trt4j.EngineLoadException;
import io.github.trt4j.LoadOptions;
import io.github.trt4j.Shape;
import io.github.trt4j.ShapeRange;
import io.github.trt4j.TrtEngine;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * An engine for {@code run} and {@code bench}: a plan as given, or an ONNX model built once and
 * cached. The cache key covers the model's bytes, the build flags, the profile shapes and the
 * TensorRT version; the profile is min = opt = max = the given shapes (from {@code --shapes} or, as
 * polygraphy does, from the inputs' own shapes), so dynamic-input models need no extra step.
 */
final class EngineSource {

  private EngineSource() {}

  static boolean isOnnx(Path p) {
    return p.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".onnx");
  }

  /**
   * Loads {@code model}: a plan directly, or an ONNX model through the cache (building it on first
   * use, and again if the cached plan no longer loads, e.g. after a GPU change).
   */
  static TrtEngine load(
      Path model, Map<String, Shape> shapes, boolean fp16, int device, PrintWriter log)
      throws IOException {
    return load(model, shapes, fp16, device, log, new PluginOption());
  }

  /** As above, with TensorRT plugins registered first. */
  static TrtEngine load(
      Path model,
      Map<String, Shape> shapes,
      boolean fp16,
      int device,
      PrintWriter log,
      PluginOption plugins)
      throws IOException {
    if (!isOnnx(model)) {
      return TrtEngine.load(model, plugins.apply(LoadOptions.defaults().device(device)));
    }
    InputPaths.requireReadable(model, "ONNX model");
    Map<String, ShapeRange> profile = new LinkedHashMap<>();
    shapes.forEach((k, v) -> profile.put(k, ShapeRange.fixed(v)));
    EngineBuilder b = plugins.apply(EngineBuilder.fromOnnx(model).fp16(fp16).device(device));
    if (!profile.isEmpty()) {
      b.profile(profile);
    }
    LoadOptions options = plugins.apply(LoadOptions.defaults().device(device));
    EngineCache cache = EngineCache.inDefaultDirectory();
    Path plan = cache.engine(b, line -> say(log, line));
    try {
      return TrtEngine.load(plan, options);
    } catch (EngineLoadException e) {
      // A plan the cache's key could not tell apart (say, a driver change): build it again once.
      say(log, "cached engine " + plan + " does not load (" + e.getMessage() + "); rebuilding");
      Files.deleteIfExists(plan);
      return TrtEngine.load(cache.engine(b, line -> say(log, line)), options);
    }
  }

  private static void say(PrintWriter log, String line) {
    log.println(line);
    log.flush();
  }

  /** Parses trtexec's {@code --shapes NAME:DIMS} entries (e.g. {@code x:7x16}). */
  static Map<String, Shape> parseShapes(java.util.List<String> entries) {
    Map<String, Shape> m = new LinkedHashMap<>();
    for (String e : entries) {
      int colon = e.lastIndexOf(':');
      if (colon <= 0 || colon == e.length() - 1) {
        throw new IllegalArgumentException(
            "--shapes entry '" + e + "' is not NAME:DIMS (e.g. x:7x16)");
      }
      Shape s = Shape.parse(e.substring(colon + 1));
      if (s.isDynamic()) {
        throw new IllegalArgumentException("--shapes entry '" + e + "' needs concrete dimensions");
      }
      if (m.put(e.substring(0, colon), s) != null) {
        throw new IllegalArgumentException(
            "--shapes names input '" + e.substring(0, colon) + "' twice");
      }
    }
    return m;
  }
}
