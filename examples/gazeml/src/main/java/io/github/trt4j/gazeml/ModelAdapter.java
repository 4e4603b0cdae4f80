package io.github.trt4j.gazeml;

import io.github.trt4j.DataType;
import io.github.trt4j.Shape;
import io.github.trt4j.ShapeRange;
import io.github.trt4j.Tensor;
import io.github.trt4j.TensorSpec;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * How to drive an ELG engine, read from its tensors at run time: the eye-image input (NHWC {@code
 * [N,36,60,1]} or NCHW {@code [N,1,36,60]}, float), optional index inputs (GazeML's tf2onnx export
 * has {@code __eye_index} and {@code __frame_index}), and the {@code landmarks} ({@code [N,18,2]}),
 * {@code radius} and {@code heatmaps} outputs. A model that cannot be driven gets a message that
 * lists what was found and what is needed.
 */
public final class ModelAdapter {

  /** Landmarks an ELG model predicts. */
  public static final int LANDMARKS = 18;

  private final String eyeInput;
  private final boolean nchw;
  private final int batch;
  private final DataType eyeType;
  private final List<TensorSpec> indexInputs;
  private final String landmarks;
  private final String radius;
  private final String heatmaps;
  private final boolean heatmapsNchw;

  private ModelAdapter(
      String eyeInput,
      boolean nchw,
      int batch,
      DataType eyeType,
      List<TensorSpec> indexInputs,
      String landmarks,
      String radius,
      String heatmaps,
      boolean heatmapsNchw) {
    this.eyeInput = eyeInput;
    this.nchw = nchw;
    this.batch = batch;
    this.eyeType = eyeType;
    this.indexInputs = indexInputs;
    this.landmarks = landmarks;
    this.radius = radius;
    this.heatmaps = heatmaps;
    this.heatmapsNchw = heatmapsNchw;
  }

  /**
   * Reads an engine's tensors.
   *
   * @throws IllegalArgumentException listing the tensors found and what an ELG model needs
   */
  public static ModelAdapter of(List<TensorSpec> tensors) {
    TensorSpec eye = null;
    List<TensorSpec> indexes = new ArrayList<>();
    List<String> problems = new ArrayList<>();
    for (TensorSpec t : tensors) {
      if (!t.isInput()) {
        continue;
      }
      if (t.shape().rank() == 4 && t.dataType().isFloatingPoint()) {
        if (eye != null) {
          problems.add("two image inputs ('" + eye.name() + "', '" + t.name() + "')");
        }
        eye = t;
      } else if (t.shape().rank() <= 1
          && (t.dataType() == DataType.INT64
              || t.dataType() == DataType.INT32
              || t.dataType().isFloatingPoint())) {
        indexes.add(t);
      } else {
        problems.add(
            "input '"
                + t.name()
                + "' "
                + t.dataType().displayName()
                + " "
                + t.shape()
                + " is neither the eye image nor an index");
      }
    }
    boolean nchw = false;
    int batch = -1;
    if (eye == null) {
      problems.add("no float input of rank 4 for the eye images");
    } else {
      long[] d = eye.shape().dims();
      if (d[1] == EyeGeometry.PATCH_H && d[2] == EyeGeometry.PATCH_W && d[3] == 1) {
        nchw = false;
      } else if (d[1] == 1 && d[2] == EyeGeometry.PATCH_H && d[3] == EyeGeometry.PATCH_W) {
        nchw = true;
      } else {
        problems.add(
            "eye input '"
                + eye.name()
                + "' has shape "
                + eye.shape()
                + "; need [N,36,60,1] (NHWC) or [N,1,36,60] (NCHW)");
      }
      batch = (int) d[0];
      if (batch < 0) {
        ShapeRange r = eye.profile(0);
        batch = r == null ? 2 : (int) Math.min(Math.max(2, r.min().dim(0)), r.max().dim(0));
      }
    }
    String landmarks = find(tensors, "landmark", 3);
    String radius = find(tensors, "radius", -1);
    String heatmaps = find(tensors, "heatmap", 4);
    boolean heatmapsNchw = false;
    if (heatmaps != null) {
      long[] d = spec(tensors, heatmaps).shape().dims();
      heatmapsNchw = d[1] == LANDMARKS && d[3] != LANDMARKS;
    }
    if (landmarks == null && heatmaps == null) {
      problems.add("no 'landmarks' [N,18,2] or 'heatmaps' [N,36,60,18] output");
    }
    if (!problems.isEmpty()) {
      StringBuilder b = new StringBuilder("Cannot drive this model as GazeML's ELG: ");
      b.append(String.join("; ", problems)).append(".\nFound:");
      for (TensorSpec t : tensors) {
        b.append("\n  ")
            .append(t.direction().label())
            .append(' ')
            .append(t.name())
            .append(' ')
            .append(t.dataType().displayName())
            .append(' ')
            .append(t.shape().joined());
      }
      b.append(
          "\nNeeds: a float eye input [N,36,60,1] or [N,1,36,60] (optional int64 index"
              + " inputs), and a 'landmarks' [N,18,2] or 'heatmaps' output (optional 'radius').");
      throw new IllegalArgumentException(b.toString());
    }
    return new ModelAdapter(
        eye.name(),
        nchw,
        batch,
        eye.dataType(),
        List.copyOf(indexes),
        landmarks,
        radius,
        heatmaps,
        heatmapsNchw);
  }

  private static String find(List<TensorSpec> tensors, String word, int rank) {
    for (TensorSpec t : tensors) {
      if (t.isOutput()
          && t.name().toLowerCase(Locale.ROOT).contains(word)
          && (rank < 0 || t.shape().rank() == rank)) {
        return t.name();
      }
    }
    return null;
  }

  private static TensorSpec spec(List<TensorSpec> tensors, String name) {
    return tensors.stream().filter(t -> t.name().equals(name)).findFirst().orElseThrow();
  }

  /** Eyes per inference (the engine's batch; fewer eyes are padded). */
  public int batch() {
    return batch;
  }

  public boolean nchw() {
    return nchw;
  }

  public String eyeInput() {
    return eyeInput;
  }

  /**
   * The inputs for one inference: {@code eyes} holds {@code batch} patches of 36×60 normalized
   * values (row-major, one after the other).
   */
  public Map<String, Tensor> inputs(float[] eyes, long frameIndex) {
    Map<String, Tensor> in = new LinkedHashMap<>();
    Shape shape =
        nchw
            ? Shape.of(batch, 1, EyeGeometry.PATCH_H, EyeGeometry.PATCH_W)
            : Shape.of(batch, EyeGeometry.PATCH_H, EyeGeometry.PATCH_W, 1);
    in.put(eyeInput, Tensor.fromFloats(eyeType, shape, eyes));
    for (TensorSpec t : indexInputs) {
      boolean frame = t.name().toLowerCase(Locale.ROOT).contains("frame");
      long n = t.shape().rank() == 0 ? 1 : (t.shape().dim(0) < 0 ? batch : t.shape().dim(0));
      float[] v = new float[(int) n];
      for (int i = 0; i < n; i++) {
        v[i] = frame ? frameIndex : i;
      }
      in.put(
          t.name(),
          Tensor.fromFloats(
              t.dataType(), new Shape(t.shape().rank() == 0 ? new long[0] : new long[] {n}), v));
    }
    return in;
  }

  /** Landmarks of eye {@code k} in patch pixels, 18 (x, y) pairs; from heatmaps if needed. */
  public float[] landmarks(Map<String, Tensor> out, int k) {
    if (landmarks != null) {
      float[] all = out.get(landmarks).toFloats();
      float[] l = new float[LANDMARKS * 2];
      System.arraycopy(all, k * LANDMARKS * 2, l, 0, LANDMARKS * 2);
      return l;
    }
    float[] l = new float[LANDMARKS * 2];
    for (int j = 0; j < LANDMARKS; j++) {
      int best = argmax(out, k, j);
      l[2 * j] = best % EyeGeometry.PATCH_W;
      l[2 * j + 1] = best / EyeGeometry.PATCH_W;
    }
    return l;
  }

  /** The eyeball radius of eye {@code k} in patch pixels, or NaN when the model has none. */
  public float radius(Map<String, Tensor> out, int k) {
    return radius == null ? Float.NaN : out.get(radius).toFloats()[k];
  }

  /** Mean of the 18 heatmap peaks of eye {@code k} (1 for a perfect Gaussian), or NaN. */
  public float confidence(Map<String, Tensor> out, int k) {
    if (heatmaps == null) {
      return Float.NaN;
    }
    float[] h = out.get(heatmaps).toFloats();
    int plane = EyeGeometry.PATCH_H * EyeGeometry.PATCH_W;
    double sum = 0;
    for (int j = 0; j < LANDMARKS; j++) {
      float max = Float.NEGATIVE_INFINITY;
      for (int p = 0; p < plane; p++) {
        max = Math.max(max, h[index(k, j, p)]);
      }
      sum += max;
    }
    return (float) (sum / LANDMARKS);
  }

  private int argmax(Map<String, Tensor> out, int k, int j) {
    float[] h = out.get(heatmaps).toFloats();
    int plane = EyeGeometry.PATCH_H * EyeGeometry.PATCH_W;
    int best = 0;
    for (int p = 1; p < plane; p++) {
      if (h[index(k, j, p)] > h[index(k, j, best)]) {
        best = p;
      }
    }
    return best;
  }

  private int index(int k, int j, int p) {
    int plane = EyeGeometry.PATCH_H * EyeGeometry.PATCH_W;
    return heatmapsNchw ? (k * LANDMARKS + j) * plane + p : (k * plane + p) * LANDMARKS + j;
  }
}
