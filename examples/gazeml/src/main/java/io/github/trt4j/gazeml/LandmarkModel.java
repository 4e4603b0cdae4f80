package io.github.trt4j.gazeml;

import io.github.trt4j.Inferer;
import io.github.trt4j.Runner;
import io.github.trt4j.Shape;
import io.github.trt4j.Tensor;
import io.github.trt4j.TensorSpec;
import io.github.trt4j.TrtEngine;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.bytedeco.opencv.opencv_core.Mat;

/**
 * face-api.js's 68-point landmark net on a TensorRT engine of {@code
 * models/face/face_landmarks68.onnx}: input {@code [N,3,112,112]} RGB 0..255, output {@code
 * [N,136]}; all faces of a frame in one inference (split at the engine's largest batch). Owns its
 * {@link Runner} (an {@link Inferer} of the engine, not the engine); not thread-safe; close()
 * releases the runner. The one place that runs the landmark net.
 */
public final class LandmarkModel implements AutoCloseable {

  static final int SIZE = 112;
  static final String NEEDS =
      "one float input [N,3,112,112] (RGB 0..255) and one float output"
          + " [N,136] (models/face/face_landmarks68.onnx)";

  private final Runner inferer;
  private final TensorSpec inputSpec;
  private final String output;
  private final int maxBatch;

  /**
   * @throws IllegalArgumentException when the engine's bindings are not the landmark net's
   */
  public LandmarkModel(TrtEngine engine) {
    this(engine.tensors(), engine::createInferer);
  }

  /** Over any runner of the landmark model (owned from here on). */
  public LandmarkModel(Runner runner) {
    this(runner.model().tensors(), () -> runner);
  }

  private LandmarkModel(List<TensorSpec> t, Supplier<Runner> open) {
    inputSpec = NetCheck.imageInput("68-point landmark net", t, SIZE, NEEDS);
    output =
        NetCheck.output("68-point landmark net", t, new long[] {2 * Face.LANDMARKS}, NEEDS).name();
    maxBatch = Math.max(1, NetCheck.maxBatch(inputSpec));
    inferer = open.get();
  }

  /** Faces per inference. */
  public int maxBatch() {
    return maxBatch;
  }

  /**
   * The faces with their landmarks, in the same order; faces whose box lies outside the frame (an
   * empty crop) are left out.
   */
  public List<Face> landmarks(Mat bgr, List<Face> faces) {
    List<Face> usable = new ArrayList<>();
    List<int[]> crops = new ArrayList<>();
    for (Face f : faces) {
      int[] c = FaceInputs.cropBox(f, bgr.cols(), bgr.rows());
      if (c[2] > 0 && c[3] > 0) {
        usable.add(f);
        crops.add(c);
      }
    }
    List<Face> out = new ArrayList<>(usable.size());
    int plane = 3 * SIZE * SIZE;
    long fixed = inputSpec.shape().dim(0);
    for (int start = 0; start < usable.size(); start += maxBatch) {
      int n = Math.min(maxBatch, usable.size() - start);
      int batch = fixed > 0 ? (int) fixed : n; // a static-batch engine gets zero padding
      float[] in = new float[batch * plane];
      for (int k = 0; k < n; k++) {
        FaceInputs.landmarkInput(bgr, crops.get(start + k), SIZE, in, k * plane);
      }
      float[] res = runRaw(in, batch);
      for (int k = 0; k < n; k++) {
        Face f = usable.get(start + k);
        out.add(
            f.withLandmarks(
                FaceInputs.landmarksToImage(
                    res, k * 2 * Face.LANDMARKS, f, crops.get(start + k), SIZE)));
      }
    }
    return out;
  }

  /** Raw outputs ({@code batch * 136}) for {@code batch} prepared faces. */
  public float[] runRaw(float[] faces, int batch) {
    Shape shape = Shape.of(batch, 3, SIZE, SIZE);
    Map<String, Tensor> out =
        inferer.run(
            Map.of(inputSpec.name(), Tensor.fromFloats(inputSpec.dataType(), shape, faces)));
    return out.get(output).toFloats();
  }

  @Override
  public void close() {
    inferer.close();
  }
}
