package io.github.trt4j;

import io.github.trt4j.internal.format.AtomicFiles;
import io.github.trt4j.internal.trt.OnnxBuild;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Builds a serialized TensorRT engine from an ONNX model.
 *
 * <pre>{@code
 * byte[] plan = EngineBuilder.fromOnnx(Path.of("model.onnx"))
 *     .fp16(true)
 *     .profile(Map.of("x", ShapeRange.parse("1x8/8x8/16x8")))
 *     .timingCache(Path.of("model.timing"))
 *     .build();
 * }</pre>
 *
 * <p>Every native object of a build (builder, network, parser, config, timing cache, serialized
 * memory) is created and deleted inside {@link #build()}; the builder itself holds only options and
 * needs no closing. Parser errors come back as an {@link OnnxParseException} with node names;
 * progress is logged through SLF4J (logger {@code io.github.trt4j.TensorRT}).
 */
public final class EngineBuilder {

  private final Path model;
  private boolean fp16;
  private boolean tf32 = true;
  private long workspaceBytes;
  private final List<Map<String, ShapeRange>> profiles = new ArrayList<>();
  private Path timingCache;
  private boolean standardPlugins;
  private java.util.List<Path> pluginLibraries = java.util.List.of();
  private int device;
  private int optimizationLevel = -1;
  private HardwareCompatibility hardware = HardwareCompatibility.NONE;
  private boolean versionCompatible;
  private boolean excludeLeanRuntime;

  private EngineBuilder(Path model) {
    this.model = Objects.requireNonNull(model, "model");
  }

  /** The ONNX model (for {@link EngineCache}). */
  Path model() {
    return model;
  }

  /** The CUDA device the engine is built for (for {@link EngineCache}). */
  int deviceIndex() {
    return device;
  }

  /** Whether a timing cache file was given (for {@link EngineCache}). */
  boolean hasTimingCache() {
    return timingCache != null;
  }

  /**
   * Every setting that changes the plan, as one string ({@link EngineCache}'s key): precision,
   * workspace, profiles (in order, inputs sorted), optimization level, compatibility, plugins.
   */
  String settings() {
    StringBuilder b = new StringBuilder();
    b.append("fp16=")
        .append(fp16)
        .append("|tf32=")
        .append(tf32)
        .append("|workspace=")
        .append(workspaceBytes)
        .append("|level=")
        .append(optimizationLevel)
        .append("|hw=")
        .append(hardware.flag())
        .append("|vc=")
        .append(versionCompatible)
        .append("|lean=")
        .append(!excludeLeanRuntime)
        .append("|std=")
        .append(standardPlugins)
        .append("|plugins=")
        .append(pluginLibraries);
    for (Map<String, ShapeRange> p : profiles) {
      b.append("|profile");
      new java.util.TreeMap<>(p).forEach((k, v) -> b.append(':').append(k).append('=').append(v));
    }
    return b.toString();
  }

  /**
   * A builder for the ONNX model at {@code model} (external weights next to it are found).
   *
   * @param model the {@code .onnx} file
   * @return the builder
   */
  public static EngineBuilder fromOnnx(Path model) {
    return new EngineBuilder(model);
  }

  /**
   * Lets TensorRT pick FP16 kernels where faster (off by default).
   *
   * @param on whether FP16 kernels are allowed
   * @return this builder
   */
  public EngineBuilder fp16(boolean on) {
    this.fp16 = on;
    return this;
  }

  /**
   * Lets TensorRT use TF32 for FP32 matrix work (TensorRT's default: on).
   *
   * @param on whether TF32 is allowed
   * @return this builder
   */
  public EngineBuilder tf32(boolean on) {
    this.tf32 = on;
    return this;
  }

  /**
   * Caps the builder's workspace pool; 0 leaves TensorRT's default (the device's memory).
   *
   * @param bytes the workspace limit in bytes, or 0
   * @return this builder
   */
  public EngineBuilder workspace(long bytes) {
    if (bytes < 0) {
      throw new IllegalArgumentException("workspace must be >= 0; got " + bytes);
    }
    this.workspaceBytes = bytes;
    return this;
  }

  /**
   * Adds an optimization profile: min/opt/max shapes by input name. Every input with dynamic
   * dimensions needs a range in every profile. Call once per profile.
   *
   * @param ranges each dynamic input's min/opt/max shapes, by name
   * @return this builder
   */
  public EngineBuilder profile(Map<String, ShapeRange> ranges) {
    if (ranges.isEmpty()) {
      throw new IllegalArgumentException("A profile needs at least one input range");
    }
    profiles.add(new LinkedHashMap<>(ranges));
    return this;
  }

  /**
   * Reads the timing cache from {@code file} if it exists and writes it back after the build
   * (atomically: a reader sees the old cache or the new one). Builds that share the file at the
   * same time do not merge: each writes what it read plus its own timings, and the last one to
   * finish is what stays.
   *
   * @param file the timing cache file, or null for none
   * @return this builder
   */
  public EngineBuilder timingCache(Path file) {
    this.timingCache = file;
    return this;
  }

  /**
   * The CUDA device to build for (default 0): the engine runs on GPUs of the same model.
   *
   * @param device the CUDA device index
   * @return this builder
   */
  public EngineBuilder device(int device) {
    this.device = device;
    return this;
  }

  /**
   * TensorRT's builder optimization level, 0 to 5 (default 3).
   *
   * @param level the optimization level, 0 to 5
   * @return this builder
   */
  public EngineBuilder optimizationLevel(int level) {
    if (level < 0 || level > 5) {
      throw new IllegalArgumentException("optimization level must be 0..5; got " + level);
    }
    this.optimizationLevel = level;
    return this;
  }

  /**
   * Builds a plan that runs on other GPUs too ({@link HardwareCompatibility}); default {@code
   * NONE}, the building GPU's compute capability only.
   *
   * @param level the GPUs the plan may run on
   * @return this builder
   */
  public EngineBuilder hardwareCompatibility(HardwareCompatibility level) {
    this.hardware = Objects.requireNonNull(level, "level");
    return this;
  }

  /**
   * Builds a version-compatible plan (TensorRT's {@code kVERSION_COMPATIBLE}): later TensorRT
   * releases of the same major can run it, through the lean runtime the plan carries unless {@code
   * excludeLeanRuntime}. Loading such a plan executes code from the file, so it needs {@link
   * LoadOptions#allowHostCode(boolean)}. Building one needs {@code libnvinfer_lean} beside
   * libnvinfer, which bytedeco's 10.6 redist lacks: use a full TensorRT installation.
   *
   * @param on whether to build a version-compatible plan
   * @return this builder
   */
  public EngineBuilder versionCompatible(boolean on) {
    this.versionCompatible = on;
    return this;
  }

  /**
   * With {@link #versionCompatible}, leaves the lean runtime out of the plan (smaller).
   *
   * @param on whether to leave it out
   * @return this builder
   */
  public EngineBuilder excludeLeanRuntime(boolean on) {
    this.excludeLeanRuntime = on;
    return this;
  }

  /**
   * Registers TensorRT's standard plugins (libnvinfer_plugin) before parsing, for models whose ONNX
   * nodes map to them (e.g. {@code EfficientNMS_TRT}); default false.
   *
   * @param load whether to register them
   * @return this builder
   */
  public EngineBuilder standardPlugins(boolean load) {
    this.standardPlugins = load;
    return this;
  }

  /**
   * Registers the plugin libraries {@code paths} before parsing (trtexec's --dynamicPlugins).
   *
   * @param paths plugin libraries built for the loaded TensorRT
   * @return this builder
   */
  public EngineBuilder pluginLibraries(Path... paths) {
    this.pluginLibraries = java.util.List.of(paths);
    return this;
  }

  /**
   * Parses the model and builds the engine.
   *
   * @return the serialized engine
   * @throws IOException if the model (or timing cache) cannot be read or written
   * @throws OnnxParseException if TensorRT's parser rejects the model
   * @throws IllegalArgumentException for a profile that names no input or misses a dynamic input
   */
  public byte[] build() throws IOException {
    io.github.trt4j.internal.format.InputFiles.requireReadable(model, "ONNX model");
    requireWritableCache(timingCache);
    io.github.trt4j.internal.trt.Plugins.ensure(standardPlugins, pluginLibraries);
    return OnnxBuild.build(
        new OnnxBuild.Options(
            model,
            fp16,
            tf32,
            workspaceBytes,
            profiles,
            timingCache,
            device,
            optimizationLevel,
            hardware.value(),
            versionCompatible,
            excludeLeanRuntime));
  }

  /**
   * Builds and writes the engine to {@code engineFile} atomically (a temporary file in the same
   * directory, forced to disk, renamed over the target), then its {@link PlanDigest} file beside
   * it. A crash between the two leaves a digest that does not match, which loading reports; it
   * never leaves a torn engine.
   *
   * @param engineFile where to write the engine
   * @return the engine's size in bytes
   * @throws IOException if the model cannot be read or the engine cannot be written
   */
  public long buildTo(Path engineFile) throws IOException {
    byte[] plan = build();
    AtomicFiles.write(engineFile, plan);
    PlanDigest.write(engineFile, PlanDigest.sha256(plan));
    return plan.length;
  }

  /** Fails before the (long) build when the timing cache could not be written back afterwards. */
  static void requireWritableCache(Path cache) throws IOException {
    if (cache == null) {
      return;
    }
    Path abs = cache.toAbsolutePath();
    if (Files.exists(abs)) {
      if (!Files.isRegularFile(abs)) {
        throw new IOException("Timing cache " + cache + " is not a regular file");
      }
      if (!Files.isWritable(abs)) {
        throw new IOException("Timing cache " + cache + " is not writable");
      }
    }
    Path dir = abs.getParent();
    if (!Files.isDirectory(dir)) {
      throw new IOException("Timing cache " + cache + ": directory " + dir + " does not exist");
    }
    // The cache is replaced by a rename, which needs write access to the directory.
    if (!Files.isWritable(dir)) {
      throw new IOException("Timing cache " + cache + ": directory " + dir + " is not writable");
    }
  }
}
