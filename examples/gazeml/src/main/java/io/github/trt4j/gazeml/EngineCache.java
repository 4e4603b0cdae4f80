package io.github.trt4j.gazeml;

import io.github.trt4j.EngineBuilder;
import io.github.trt4j.Shape;
import io.github.trt4j.ShapeRange;
import io.github.trt4j.TrtEngine;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Map;

/**
 * The pipeline's engines, built once from ONNX through trt4j's {@link io.github.trt4j.EngineCache}
 * (in {@code $TRT4J_CACHE}, else {@code ~/.cache/trt4j}, keyed by the model's bytes, the build
 * settings, the TensorRT version and the GPU): a batch profile up to N for the face networks,
 * static shapes for ELG.
 */
public final class EngineCache {

  private final boolean fp16;
  private final int device;
  private final PrintWriter log;
  private final int optimizationLevel;

  public EngineCache(boolean fp16, int device, PrintWriter log) {
    this(fp16, device, log, -1);
  }

  /**
   * @param optimizationLevel TensorRT's builder optimization level 0..5, or -1 for its default (3):
   *     lower levels build faster and may run slower; part of the cache key
   */
  public EngineCache(boolean fp16, int device, PrintWriter log, int optimizationLevel) {
    if (optimizationLevel < -1 || optimizationLevel > 5) {
      throw new IllegalArgumentException(
          "builder optimization level must be 0..5; got " + optimizationLevel);
    }
    this.fp16 = fp16;
    this.device = device;
    this.log = log;
    this.optimizationLevel = optimizationLevel;
  }

  /**
   * The cached engine of {@code onnx}, built first if needed.
   *
   * @param batchInput the input whose first dimension is a dynamic batch, or {@code null} for a
   *     model of static shapes
   * @param maxBatch the largest batch the engine accepts (its profile is 1..maxBatch, tuned for 1)
   */
  public Path engine(Path onnx, String batchInput, long[] inputDims, int maxBatch)
      throws IOException {
    if (!Files.isRegularFile(onnx)) {
      throw new NoSuchFileException(onnx.toString(), null, "ONNX model not found");
    }
    EngineBuilder b = EngineBuilder.fromOnnx(onnx).fp16(fp16).device(device);
    if (optimizationLevel >= 0) {
      b.optimizationLevel(optimizationLevel);
    }
    if (batchInput != null) {
      b.profile(
          Map.of(
              batchInput,
              new ShapeRange(
                  withBatch(inputDims, 1),
                  withBatch(inputDims, 1),
                  withBatch(inputDims, maxBatch))));
    }
    try {
      return io.github.trt4j.EngineCache.inDefaultDirectory()
          .engine(
              b,
              line -> {
                log.println(line);
                log.flush();
              });
    } catch (IllegalArgumentException e) {
      // e.g. a profile for an input this model does not have: the wrong ONNX file for the role
      throw new IllegalArgumentException(
          "Cannot build an engine from " + onnx + ": " + e.getMessage(), e);
    }
  }

  /** Loads {@link #engine}'s result on this cache's device. */
  public TrtEngine load(Path onnx, String batchInput, long[] inputDims, int maxBatch)
      throws IOException {
    return TrtEngine.load(engine(onnx, batchInput, inputDims, maxBatch), device);
  }

  public int device() {
    return device;
  }

  private static Shape withBatch(long[] dims, long batch) {
    long[] d = dims.clone();
    d[0] = batch;
    return new Shape(d);
  }
}
