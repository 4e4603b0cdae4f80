package io.github.trt4j.cli;

import io.github.trt4j.EngineBuilder;
import io.github.trt4j.EngineLoadException;
import io.github.trt4j.LoadOptions;
import io.github.trt4j.Shape;
import io.github.trt4j.ShapeRange;
import io.github.trt4j.TrtEngine;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
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
   * The cache folder: {@code $TRT4J_CACHE}, else {@code $XDG_CACHE_HOME/trt4j}, else
   * ~/.cache/trt4j.
   */
  static Path cacheDir() {
    String own = System.getenv("TRT4J_CACHE");
    if (own != null && !own.isBlank()) {
      return Path.of(own);
    }
    String xdg = System.getenv("XDG_CACHE_HOME");
    Path base =
        xdg != null && !xdg.isBlank()
            ? Path.of(xdg)
            : Path.of(System.getProperty("user.home"), ".cache");
    return base.resolve("trt4j");
  }

  /** Where the engine for these build settings is cached. */
  static Path cachedEngine(Path onnx, Map<String, Shape> shapes, boolean fp16, String trtVersion)
      throws IOException {
    MessageDigest sha;
    try {
      sha = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
    try (InputStream in = Files.newInputStream(onnx)) {
      byte[] buf = new byte[1 << 16];
      for (int n; (n = in.read(buf)) > 0; ) {
        sha.update(buf, 0, n);
      }
    }
    StringBuilder key = new StringBuilder("|fp16=" + fp16 + "|trt=" + trtVersion);
    new java.util.TreeMap<>(shapes)
        .forEach((k, v) -> key.append('|').append(k).append('=').append(v.joined()));
    sha.update(key.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
    String stem = onnx.getFileName().toString().replaceFirst("(?i)\\.onnx$", "");
    return cacheDir()
        .resolve(stem + "-" + HexFormat.of().formatHex(sha.digest(), 0, 8) + ".engine");
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
    io.github.trt4j.internal.format.InputFiles.requireReadable(model, "ONNX model");
    Path plan = cachedEngine(model, shapes, fp16, TrtEngine.tensorRtVersion());
    if (Files.exists(plan)) {
      try {
        return TrtEngine.load(plan, plugins.apply(LoadOptions.defaults().device(device)));
      } catch (EngineLoadException e) {
        log.printf("cached engine %s does not load (%s); rebuilding%n", plan, e.getMessage());
      }
    }
    Files.createDirectories(plan.getParent());
    Map<String, ShapeRange> profile = new LinkedHashMap<>();
    shapes.forEach((k, v) -> profile.put(k, ShapeRange.fixed(v)));
    EngineBuilder b = plugins.apply(EngineBuilder.fromOnnx(model).fp16(fp16).device(device));
    if (!profile.isEmpty()) {
      b.profile(profile);
    }
    long t0 = System.nanoTime();
    long bytes = b.buildTo(plan);
    log.printf(
        "built %s from %s in %.1f s (%d bytes)%s%n",
        plan,
        model,
        (System.nanoTime() - t0) / 1e9,
        bytes,
        profile.isEmpty() ? "" : ", profile " + profile);
    log.flush();
    return TrtEngine.load(plan, plugins.apply(LoadOptions.defaults().device(device)));
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
