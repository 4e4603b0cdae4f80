package io.github.trt4j.gazeml;

import io.github.trt4j.DataType;
import io.github.trt4j.Inferer;
import io.github.trt4j.IoBinding;
import io.github.trt4j.Runner;
import io.github.trt4j.Shape;
import io.github.trt4j.Tensor;
import io.github.trt4j.TensorSpec;
import io.github.trt4j.TrtEngine;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.bytedeco.opencv.opencv_core.Mat;

/**
 * face-api.js's tiny face detector on a TensorRT engine of {@code models/face/face_detector.onnx}:
 * input {@code [N,3,S,S]} RGB 0..255 (S = 416), output the raw grid {@code [N,25,S/32,S/32]},
 * decoded by {@link FaceBoxes}. Owns its {@link Runner} (an {@link Inferer} of the engine, not the
 * engine); not thread-safe; close() releases the runner. On a local Inferer it runs through an
 * {@link IoBinding}: the prepared frame is written once into pinned memory and the grid read back
 * into a reused array; any other runner gets the typed {@code run(Map)} path.
 */
public final class FaceDetector implements AutoCloseable {

  static final String NEEDS =
      "one float input [N,3,S,S] (S a multiple of 32, RGB 0..255) and one"
          + " float output [N,25,S/32,S/32] (models/face/face_detector.onnx)";

  private final Runner inferer;
  private final String input;
  private final String output;
  private final TensorSpec inputSpec;
  private final int size;
  private final int cells;
  private final float[] buffer;

  /**
   * The fast path when the runner is a local Inferer: the frame goes straight into pinned memory.
   */
  private final IoBinding binding;

  private float[] grid = new float[0];
  private double scoreThreshold = FaceBoxes.SCORE_THRESHOLD;

  /**
   * @throws IllegalArgumentException when the engine's bindings are not the detector's
   */
  public FaceDetector(TrtEngine engine) {
    this(engine.tensors(), engine::createInferer);
  }

  /** Over any runner of the detector model (owned from here on). */
  public FaceDetector(Runner runner) {
    this(runner.model().tensors(), () -> runner);
  }

  private FaceDetector(List<TensorSpec> t, Supplier<Runner> open) {
    inputSpec = NetCheck.imageInput("tiny face detector", t, -1, NEEDS);
    size = (int) inputSpec.shape().dim(2);
    cells = size / 32;
    TensorSpec out = NetCheck.output("tiny face detector", t, new long[] {25, -1, -1}, NEEDS);
    long gh = out.shape().dim(2);
    if (size % 32 != 0 || (gh > 0 && gh != cells)) {
      throw NetCheck.mismatch("tiny face detector", t, NEEDS);
    }
    input = inputSpec.name();
    output = out.name();
    buffer = new float[3 * size * size];
    inferer = open.get();
    IoBinding b = null;
    if (inferer instanceof Inferer local
        && inputSpec.dataType() == DataType.FLOAT
        && out.dataType() == DataType.FLOAT) {
      b = local.createBinding();
      b.shape(input, Shape.of(1, 3, size, size));
    }
    binding = b;
  }

  /** The network's input side (416 for face-api's model). */
  public int inputSize() {
    return size;
  }

  /** Boxes scoring at or below this are dropped (face-api's default 0.5). */
  public FaceDetector scoreThreshold(double t) {
    if (!(t > 0 && t < 1)) {
      throw new IllegalArgumentException("score threshold must be in (0, 1); got " + t);
    }
    this.scoreThreshold = t;
    return this;
  }

  /** The faces in an 8-bit BGR frame, highest score first; empty when there are none. */
  public List<Face> detect(Mat bgr) {
    FaceInputs.detectorInput(bgr, size, buffer, 0);
    float[] grid = binding != null ? runBound(buffer) : runRaw(buffer);
    return FaceBoxes.suppress(
        FaceBoxes.decode(grid, 0, cells, size, bgr.cols(), bgr.rows(), scoreThreshold),
        FaceBoxes.IOU_THRESHOLD);
  }

  /** Through the binding: one copy into pinned memory, the grid read back into a reused array. */
  private float[] runBound(float[] image) {
    binding.input(input).floats().put(0, image);
    ((Inferer) inferer).run(binding);
    java.nio.FloatBuffer out = binding.output(output).floats();
    if (grid.length != out.limit()) {
      grid = new float[out.limit()];
    }
    out.get(0, grid);
    return grid;
  }

  /** The raw grid for one prepared input of {@code 3*S*S} floats (for tests against references). */
  public float[] runRaw(float[] image) {
    if (binding != null) {
      return runBound(image).clone();
    }
    Shape shape = Shape.of(1, 3, size, size);
    Map<String, Tensor> out =
        inferer.run(Map.of(input, Tensor.fromFloats(inputSpec.dataType(), shape, image)));
    return out.get(output).toFloats();
  }

  @Override
  public void close() {
    if (binding != null) {
      binding.close();
    }
    inferer.close();
  }
}
