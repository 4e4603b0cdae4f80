package io.github.trt4j.gazeml;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.trt4j.DataType;
import io.github.trt4j.Npy;
import io.github.trt4j.Shape;
import io.github.trt4j.Tensor;
import io.github.trt4j.TensorSpec;
import io.github.trt4j.TensorSpec.Direction;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AdapterTest {

  static final List<TensorSpec> ARTICLE =
      List.of(
          TensorSpec.of(0, "__eye_index", Direction.INPUT, DataType.INT64, Shape.of(2)),
          TensorSpec.of(1, "__eye", Direction.INPUT, DataType.FLOAT, Shape.of(2, 36, 60, 1)),
          TensorSpec.of(2, "__frame_index", Direction.INPUT, DataType.INT64, Shape.of(2)),
          TensorSpec.of(3, "landmarks", Direction.OUTPUT, DataType.FLOAT, Shape.of(2, 18, 2)),
          TensorSpec.of(4, "radius", Direction.OUTPUT, DataType.FLOAT, Shape.of(2, 1)),
          TensorSpec.of(5, "heatmaps", Direction.OUTPUT, DataType.FLOAT, Shape.of(2, 36, 60, 18)),
          TensorSpec.of(6, "eye", Direction.OUTPUT, DataType.FLOAT, Shape.of(2, 36, 60, 1)),
          TensorSpec.of(7, "frame_index", Direction.OUTPUT, DataType.INT64, Shape.of(2)),
          TensorSpec.of(8, "eye_index", Direction.OUTPUT, DataType.INT64, Shape.of(2)));

  @Test
  void drivesTheArticlesNineBindings() {
    ModelAdapter a = ModelAdapter.of(ARTICLE);
    assertEquals("__eye", a.eyeInput());
    assertFalse(a.nchw());
    assertEquals(2, a.batch());
    Map<String, Tensor> in = a.inputs(new float[2 * 2160], 41);
    assertEquals(List.of("__eye", "__eye_index", "__frame_index"), List.copyOf(in.keySet()));
    assertArrayEquals(new long[] {0, 1}, in.get("__eye_index").longs());
    assertArrayEquals(new long[] {41, 41}, in.get("__frame_index").longs());
    assertEquals(Shape.of(2, 36, 60, 1), in.get("__eye").shape());
  }

  @Test
  void drivesAPlainNchwModelAndFallsBackToHeatmaps() {
    List<TensorSpec> t =
        List.of(
            TensorSpec.of(0, "eye", Direction.INPUT, DataType.FLOAT, Shape.of(1, 1, 36, 60)),
            TensorSpec.of(
                1, "heatmaps", Direction.OUTPUT, DataType.FLOAT, Shape.of(1, 18, 36, 60)));
    ModelAdapter a = ModelAdapter.of(t);
    assertTrue(a.nchw());
    assertEquals(1, a.batch());
    float[] h = new float[18 * 2160];
    h[5 * 2160 + 7 * 60 + 11] = 1; // landmark 5 peaks at x=11, y=7
    float[] l = a.landmarks(Map.of("heatmaps", Tensor.ofFloats(Shape.of(1, 18, 36, 60), h)), 0);
    assertEquals(11, l[10]);
    assertEquals(7, l[11]);
    assertTrue(Float.isNaN(a.radius(Map.of(), 0)));
  }

  @Test
  void aModelItCannotDriveIsExplained() {
    List<TensorSpec> t =
        List.of(
            TensorSpec.of(0, "images", Direction.INPUT, DataType.FLOAT, Shape.of(1, 3, 224, 224)),
            TensorSpec.of(1, "logits", Direction.OUTPUT, DataType.FLOAT, Shape.of(1, 1000)));
    var e = assertThrows(IllegalArgumentException.class, () -> ModelAdapter.of(t));
    String m = e.getMessage();
    assertTrue(
        m.startsWith(
            "Cannot drive this model as GazeML's ELG: eye input 'images' has shape"
                + " [1, 3, 224, 224]; need [N,36,60,1] (NHWC) or [N,1,36,60] (NCHW)"),
        m);
    assertTrue(m.contains("output logits float32 1x1000"), m);
    assertTrue(m.contains("Needs: a float eye input"), m);
  }

  @Test
  void resultsAreOneJsonLine() {
    double[] l = new double[36];
    l[0] = 1.25;
    EyeResult r =
        new EyeResult(
            3, "left", "cascade", new double[] {1, 2, 3, 4}, l, 17.5, -4.5, 12.25, 0.8, 0);
    String json = r.toJson();
    assertTrue(
        json.startsWith(
            "{\"frame\":3,\"eye\":\"left\",\"source\":\"cascade\",\"box\":[1.000,2.000,3.000,4.000],"
                + "\"landmarks\":[[1.250,0.000],"),
        json);
    assertTrue(
        json.endsWith("\"radius\":17.500,\"pitch\":-4.500,\"yaw\":12.250,\"confidence\":0.800}"),
        json);
    assertFalse(json.contains("\n"));
  }

  @Test
  void readsTheHeldOutNpzWrittenByNumpy() throws Exception {
    Map<String, Tensor> npz = Npy.readNpz(Path.of("models", "gazeml", "heldout.npz"));
    assertEquals(List.of("eyes", "landmarks", "radius", "gaze"), List.copyOf(npz.keySet()));
    assertEquals(DataType.UINT8, npz.get("eyes").dataType());
    assertEquals(36, npz.get("eyes").shape().dim(1));
    assertEquals(Shape.of(npz.get("eyes").shape().dim(0), 18, 2), npz.get("landmarks").shape());
  }

  @Test
  void perfectResultsHaveZeroError() {
    float[] lms = new float[36];
    for (int i = 0; i < 36; i++) {
      lms[i] = i;
    }
    double[] l = new double[36];
    for (int i = 0; i < 36; i++) {
      l[i] = i;
    }
    EyeResult r =
        new EyeResult(
            0,
            "patch",
            "patch",
            new double[4],
            l,
            20,
            Math.toDegrees(0.1),
            Math.toDegrees(-0.2),
            1,
            0);
    Evaluation.Metrics m =
        Evaluation.metrics(List.of(r), lms, new float[] {20}, new float[] {0.1f, -0.2f});
    assertEquals(0, m.landmarkPx(), 1e-9);
    assertEquals(0, m.radiusRel(), 1e-9);
    assertEquals(0, m.gazeDeg(), 1e-3);
  }
}
