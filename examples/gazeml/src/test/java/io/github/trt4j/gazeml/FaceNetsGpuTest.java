package io.github.trt4j.gazeml;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.trt4j.EngineBuilder;
import io.github.trt4j.GpuTest;
import io.github.trt4j.Npy;
import io.github.trt4j.Shape;
import io.github.trt4j.ShapeRange;
import io.github.trt4j.TrtEngine;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.bytedeco.opencv.opencv_core.Mat;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The face engines against their references on the bundled astronaut: the detector's raw grid
 * against PyTorch (models/face/detector_reference.npz), the box (IoU >= 0.95) and the 68 landmarks
 * (within 0.5 px) against face-api.js itself (models/face/faceapi_reference.json, from
 * scripts/faceapi/reference.mjs). Strict FP32 engines (TF32 off).
 */
@GpuTest
class FaceNetsGpuTest {

  static final Path ASTRONAUT = Path.of("models", "face", "samples", "astronaut.png");
  static TrtEngine detectorEngine;
  static TrtEngine landmarkEngine;

  @BeforeAll
  static void build() throws Exception {
    detectorEngine =
        TrtEngine.load(
            EngineBuilder.fromOnnx(GazeMlEngines.DETECTOR)
                .tf32(false)
                .profile(
                    Map.of(
                        "image",
                        new ShapeRange(
                            Shape.of(1, 3, 416, 416),
                            Shape.of(1, 3, 416, 416),
                            Shape.of(4, 3, 416, 416))))
                .build());
    landmarkEngine =
        TrtEngine.load(
            EngineBuilder.fromOnnx(GazeMlEngines.LANDMARKS)
                .tf32(false)
                .profile(
                    Map.of(
                        "face",
                        new ShapeRange(
                            Shape.of(1, 3, 112, 112),
                            Shape.of(1, 3, 112, 112),
                            Shape.of(16, 3, 112, 112))))
                .build());
  }

  @AfterAll
  static void close() {
    landmarkEngine.close();
    detectorEngine.close();
  }

  @SuppressWarnings("unchecked")
  static Face faceApiAstronaut() throws Exception {
    Map<String, Object> e =
        MiniJson.faceApiEntry(Path.of("models", "face", "faceapi_reference.json"), "astronaut");
    Map<String, Object> f = (Map<String, Object>) ((List<Object>) e.get("faces")).get(0);
    List<Object> box = (List<Object>) f.get("box");
    List<Object> pts = (List<Object>) f.get("landmarks");
    double[] lm = new double[136];
    for (int i = 0; i < 68; i++) {
      List<Object> p = (List<Object>) pts.get(i);
      lm[2 * i] = (Double) p.get(0);
      lm[2 * i + 1] = (Double) p.get(1);
    }
    return new Face(
        (Double) f.get("score"),
        (Double) box.get(0),
        (Double) box.get(1),
        (Double) box.get(2),
        (Double) box.get(3),
        lm);
  }

  @Test
  void detectorMatchesPyTorchAndFaceApi() throws Exception {
    float[] want =
        Npy.readNpz(Path.of("models", "face", "detector_reference.npz")).get("grid").floats();
    Face ref = faceApiAstronaut();
    try (Mat img = GazeMlOutput.readBgr(ASTRONAUT);
        FaceDetector d = new FaceDetector(detectorEngine)) {
      // PyTorch's exact input (float TF-style resize), so that only the networks are compared.
      float[] grid = d.runRaw(tfResize(img, 416));
      double worst = 0;
      for (int i = 0; i < want.length; i++) {
        worst = Math.max(worst, Math.abs(grid[i] - want[i]));
      }
      List<Face> faces = d.detect(img); // the runner's own (8-bit OpenCV) input
      System.out.printf(
          "detector engine vs PyTorch: grid max abs %.2e; faces %s; IoU with face-api %.5f%n",
          worst, faces, faces.isEmpty() ? 0 : faces.get(0).iou(ref));
      assertTrue(worst <= 5e-3, "grid off by " + worst);
      assertEquals(1, faces.size());
      assertTrue(faces.get(0).iou(ref) >= 0.95, "IoU " + faces.get(0).iou(ref));
      assertEquals(ref.score(), faces.get(0).score(), 0.01);
    }
  }

  /**
   * face-api's detector input in plain Java, in double precision: zero padding at the bottom/right
   * to a square, TF's legacy bilinear resize (src = dst * in / out, clamped), planar RGB.
   */
  static float[] tfResize(Mat bgr, int size) {
    int h = bgr.rows();
    int w = bgr.cols();
    int side = Math.max(h, w);
    byte[] px = new byte[h * w * 3];
    bgr.data().get(px);
    float[] out = new float[3 * size * size];
    double k = (double) side / size;
    for (int y = 0; y < size; y++) {
      double sy = y * k;
      int y0 = (int) Math.floor(sy);
      int y1 = Math.min((int) Math.ceil(sy), side - 1);
      double fy = sy - y0;
      for (int x = 0; x < size; x++) {
        double sx = x * k;
        int x0 = (int) Math.floor(sx);
        int x1 = Math.min((int) Math.ceil(sx), side - 1);
        double fx = sx - x0;
        for (int c = 0; c < 3; c++) {
          double top =
              at(px, h, w, y0, x0, c) + (at(px, h, w, y0, x1, c) - at(px, h, w, y0, x0, c)) * fx;
          double bot =
              at(px, h, w, y1, x0, c) + (at(px, h, w, y1, x1, c) - at(px, h, w, y1, x0, c)) * fx;
          out[(2 - c) * size * size + y * size + x] = (float) (top + (bot - top) * fy);
        }
      }
    }
    return out;
  }

  private static double at(byte[] px, int h, int w, int y, int x, int c) {
    return y < h && x < w ? px[(y * w + x) * 3 + c] & 0xFF : 0;
  }

  @Test
  void landmarksMatchFaceApiWithinHalfAPixel() throws Exception {
    Face ref = faceApiAstronaut();
    try (Mat img = GazeMlOutput.readBgr(ASTRONAUT);
        LandmarkModel lm = new LandmarkModel(landmarkEngine)) {
      // face-api's own box, so that only the landmark path is compared.
      List<Face> got = lm.landmarks(img, List.of(ref.withLandmarks(null)));
      double[] p = got.get(0).landmarks();
      double[] q = ref.landmarks();
      double worst = 0;
      for (int i = 0; i < 68; i++) {
        worst = Math.max(worst, Math.hypot(p[2 * i] - q[2 * i], p[2 * i + 1] - q[2 * i + 1]));
      }
      System.out.printf("landmark engine vs face-api.js: max %.4f px over 68 points%n", worst);
      assertTrue(worst <= 0.5, "landmarks off by " + worst + " px");
      // Batched: the same face 5 times gives the same points.
      List<Face> five =
          lm.landmarks(img, java.util.Collections.nCopies(5, ref.withLandmarks(null)));
      assertEquals(5, five.size());
      for (Face f : five) {
        double[] r = f.landmarks();
        for (int i = 0; i < 136; i++) {
          assertEquals(p[i], r[i], 1e-3);
        }
      }
    }
  }

  @Test
  void enginesOfTheWrongModelAreRefusedWithTheirBindings() throws Exception {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> new FaceDetector(landmarkEngine));
    assertTrue(
        e.getMessage().contains("tiny face detector") && e.getMessage().contains("'face'"),
        e.getMessage());
    IllegalArgumentException f =
        assertThrows(IllegalArgumentException.class, () -> new LandmarkModel(detectorEngine));
    assertTrue(
        f.getMessage().contains("landmark net") && f.getMessage().contains("'image'"),
        f.getMessage());
    assertThrows(IllegalArgumentException.class, () -> new EyeModel(detectorEngine));
  }
}
