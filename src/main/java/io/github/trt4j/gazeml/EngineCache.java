package io.github.trt4j.gazeml;

import io.github.trt4j.EngineBuilder;
import io.github.trt4j.PlanHeader;
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
 * Engines built once from ONNX and cached next to it: {@code model.onnx} becomes {@code
 * model.engine} (or {@code model.fp16.engine}, and {@code .bN} for a batch profile up to N),
 * written atomically with its SHA-256 digest, and rebuilt when the ONNX file is newer, the plan
 * comes from another TensorRT version, or its digest is missing or does not match.
 */
public final class EngineCache {

  private final boolean fp16;
  private final int device;
  private final PrintWriter log;

  public EngineCache(boolean fp16, int device, PrintWriter log) {
    this.fp16 = fp16;
    this.device = device;
    this.log = log;
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
    String name = onnx.getFileName().toString().replaceFirst("\\.onnx$", "");
    Path cached =
        onnx.resolveSibling(
            name + (fp16 ? ".fp16" : "") + (batchInput != null ? ".b" + maxBatch : "") + ".engine");
    if (Files.isRegularFile(cached)
        && Files.getLastModifiedTime(cached).compareTo(Files.getLastModifiedTime(onnx)) >= 0
        && PlanHeader.read(cached).version().equals(TrtEngine.tensorRtVersion())
        && intact(cached)) {
      return cached;
    }
    log.println(
        "building " + cached + " from " + onnx + " (once; --verbose shows TensorRT's progress)");
    log.flush();
    long t0 = System.nanoTime();
    EngineBuilder b = EngineBuilder.fromOnnx(onnx).fp16(fp16).device(device);
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
      b.buildTo(cached);
    } catch (IllegalArgumentException e) {
      // e.g. a profile for an input this model does not have: the wrong ONNX file for the role
      throw new IllegalArgumentException(
          "Cannot build an engine from " + onnx + ": " + e.getMessage(), e);
    }
    log.printf("built %s in %.1f s%n", cached.getFileName(), (System.nanoTime() - t0) / 1e9);
    log.flush();
    return cached;
  }

  /** A cached engine is reused only when the digest written with it still matches. */
  private static boolean intact(Path cached) throws IOException {
    return io.github.trt4j.PlanDigest.check(cached).state()
        == io.github.trt4j.PlanDigest.State.MATCH;
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
