package io.github.trt4j.gazeml;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.trt4j.DataType;
import io.github.trt4j.Npy;
import io.github.trt4j.Shape;
import io.github.trt4j.Tensor;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.bytedeco.opencv.opencv_core.Mat;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole Java pipeline on the astronaut without a GPU: the three networks replaced by {@link
 * RecordedRunner}s replaying PyTorch's outputs for this image (models/face/ detector_reference.npz)
 * and ONNX Runtime's ELG outputs (models/gazeml/elg_reference.npz). What is checked is everything
 * around the networks: inputs (names, shapes, RGB order), box decoding, crops, landmark mapping,
 * eye placement, batching, JSON and video output.
 */
class RecordedPipelineTest {

  static final Path ASTRONAUT = Path.of("models", "face", "samples", "astronaut.png");
  static Map<String, Tensor> det;
  static Map<String, Tensor> elg;

  @BeforeAll
  static void load() throws Exception {
    det = Npy.readNpz(Path.of("models", "face", "detector_reference.npz"));
    elg = Npy.readNpz(Path.of("models", "gazeml", "elg_reference.npz"));
  }

  static RecordedRunner detector(float[] grid) {
    return new RecordedRunner(
        List.of(
            RecordedRunner.in(0, "image", DataType.FLOAT, -1, 3, 416, 416),
            RecordedRunner.out(1, "grid", -1, 25, 13, 13)),
        in -> Map.of("grid", Tensor.ofFloats(Shape.of(1, 25, 13, 13), grid)));
  }

  static RecordedRunner landmarks() {
    float[] raw = det.get("landmarks_raw").floats();
    return new RecordedRunner(
        List.of(
            RecordedRunner.in(0, "face", DataType.FLOAT, -1, 3, 112, 112),
            RecordedRunner.out(1, "landmarks", -1, 136)),
        in -> {
          int n = (int) in.get("face").shape().dim(0);
          float[] all = new float[n * 136];
          for (int k = 0; k < n; k++) {
            System.arraycopy(raw, 0, all, k * 136, 136);
          }
          return Map.of("landmarks", Tensor.ofFloats(Shape.of(n, 136), all));
        });
  }

  static RecordedRunner elg() {
    float[] lm = Arrays.copyOf(elg.get("landmarks").floats(), 2 * 36);
    float[] radius = Arrays.copyOf(elg.get("radius").floats(), 2);
    return new RecordedRunner(
        List.of(
            RecordedRunner.in(0, "eye_index", DataType.INT64, 2),
            RecordedRunner.in(1, "eye", DataType.FLOAT, 2, 36, 60, 1),
            RecordedRunner.in(2, "frame_index", DataType.INT64, 2),
            RecordedRunner.out(3, "landmarks", 2, 18, 2),
            RecordedRunner.out(4, "radius", 2, 1)),
        in ->
            Map.of(
                "landmarks",
                Tensor.ofFloats(Shape.of(2, 18, 2), lm),
                "radius",
                Tensor.ofFloats(Shape.of(2, 1), radius)));
  }

  @Test
  void astronautThroughRecordedNetworks() throws Exception {
    RecordedRunner d = detector(det.get("grid").floats());
    RecordedRunner l = landmarks();
    RecordedRunner e = elg();
    FrameResult r;
    try (GazeMlPipeline p =
            new GazeMlPipeline(new FaceDetector(d), new LandmarkModel(l), new EyeModel(e));
        Mat img = GazeMlOutput.readBgr(ASTRONAUT)) {
      r = p.processFrame(img, 0);
      assertEquals(1, p.timings().framesWithFace());
    }
    assertTrue(d.closed && l.closed && e.closed, "the pipeline closes its runners");
    // The detector saw the astronaut as RGB planes with PyTorch's input's plane means.
    float[] in = d.calls.get(0).get("image").floats();
    float[] mean = det.get("input_mean").floats();
    for (int c = 0; c < 3; c++) {
      double m = 0;
      for (int i = 0; i < 416 * 416; i++) {
        m += in[c * 416 * 416 + i];
      }
      assertEquals(mean[c], m / (416 * 416), 0.3, "plane " + c);
    }
    assertNull(r.nothingFoundBy());
    assertEquals(1, r.faces().size());
    Face f = r.faces().get(0);
    Face faceApi = new Face(0.9755, 163.2525, 75.6603, 116.0375, 110.9834, null);
    assertTrue(f.iou(faceApi) > 0.9999, f.toString());
    // One landmark batch of one face; points mapped back as Python maps the same raw output.
    assertEquals(1, l.calls.size());
    assertEquals(Shape.of(1, 3, 112, 112), l.calls.get(0).get("face").shape());
    float[] want = det.get("landmarks").floats();
    double[] got = f.landmarks();
    for (int i = 0; i < 136; i++) {
      assertEquals(want[i], got[i], 1e-3, "landmark coordinate " + i);
    }
    // Both eyes in one ELG inference, frame index passed, results in image pixels near the eyes.
    assertEquals(1, e.calls.size());
    assertEquals(2, r.eyes().size());
    assertEquals(List.of("left", "right"), r.eyes().stream().map(EyeResult::eye).toList());
    for (EyeResult eye : r.eyes()) {
      assertEquals("landmarks", eye.source());
      int a = eye.eye().equals("left") ? 36 : 42;
      double cx = (got[2 * a] + got[2 * a + 6]) / 2;
      double[] b = eye.box();
      assertTrue(
          b[0] < cx && cx < b[0] + b[2], "eye box " + Arrays.toString(b) + " around x " + cx);
      assertTrue(Double.isFinite(eye.pitch()) && Double.isFinite(eye.yaw()));
    }
    String json = r.toJson("astronaut.png");
    assertTrue(
        json.contains("\"nothing_found_by\":null") && json.contains("\"eye\":\"right\""), json);
  }

  @Test
  void aFrameWithoutFaceStopsAfterTheDetector() throws Exception {
    float[] empty = new float[25 * 169];
    Arrays.fill(empty, -20f);
    RecordedRunner l = landmarks();
    RecordedRunner e = elg();
    try (GazeMlPipeline p =
            new GazeMlPipeline(
                new FaceDetector(detector(empty)), new LandmarkModel(l), new EyeModel(e));
        Mat img = GazeMlOutput.readBgr(ASTRONAUT)) {
      FrameResult r = p.processFrame(img, 5);
      assertEquals("face detector", r.nothingFoundBy());
      assertTrue(r.faces().isEmpty() && r.eyes().isEmpty());
      assertEquals(0, l.calls.size());
      assertEquals(0, e.calls.size());
      assertEquals(0, p.timings().framesWithFace());
      assertEquals(1, p.timings().frames());
    }
  }

  @Test
  void aVideoGivesOneLinePerFrameAndAnAnnotatedVideo(@TempDir Path dir) throws Exception {
    StringWriter log = new StringWriter();
    try (GazeMlPipeline p =
            new GazeMlPipeline(
                new FaceDetector(detector(det.get("grid").floats())),
                new LandmarkModel(landmarks()),
                new EyeModel(elg()));
        GazeMlOutput out = new GazeMlOutput(dir)) {
      new VideoRun(p, out, false)
          .run(
              VideoSource.open(TestResources.path("face", "astronaut_pan.mp4")),
              "clip",
              7,
              new PrintWriter(log, true));
      assertEquals(7, p.timings().frames());
      assertTrue(p.timings().summary().contains("7 frames"), p.timings().summary());
    }
    List<String> lines = Files.readAllLines(dir.resolve("results.jsonl"));
    assertEquals(7, lines.size());
    assertTrue(lines.get(6).contains("\"frame\":6,\"width\":128,\"height\":128"), lines.get(6));
    assertTrue(Files.size(dir.resolve("clip.gazeml.avi")) > 1000);
    assertTrue(log.toString().contains("7 frames"), log.toString());
  }

  @Test
  void eyeRegionModeNeedsNoFaceModels() throws Exception {
    RecordedRunner e = elg();
    try (GazeMlPipeline p = new GazeMlPipeline(null, null, new EyeModel(e));
        Mat img = GazeMlOutput.readBgr(Path.of("models", "gazeml", "samples", "eye_region.png"))) {
      FrameResult r = p.processEyeRegion(img, 0);
      assertEquals(2, r.eyes().size());
      assertEquals("eye region", r.eyes().get(0).source());
      assertEquals(Shape.of(2, 36, 60, 1), e.calls.get(0).get("eye").shape());
      IllegalStateException x =
          org.junit.jupiter.api.Assertions.assertThrows(
              IllegalStateException.class, () -> p.processFrame(img, 1));
      assertTrue(x.getMessage().contains("eye-region"), x.getMessage());
    }
  }
}
