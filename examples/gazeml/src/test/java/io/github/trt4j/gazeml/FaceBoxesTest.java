package io.github.trt4j.gazeml;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.trt4j.Npy;
import io.github.trt4j.Tensor;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Box decoding and suppression against scripts/faceapi's independent Python decoding. */
class FaceBoxesTest {

  @Test
  void decodesTheRecordedAstronautGridAsThePythonReferenceDoes() throws Exception {
    // models/face/detector_reference.npz: PyTorch's raw grid for the astronaut and the boxes
    // scripts/faceapi/pipeline.py decodes from it (score, x, y, w, h as fractions of the image).
    Map<String, Tensor> ref = Npy.readNpz(Path.of("models", "face", "detector_reference.npz"));
    float[] grid = ref.get("grid").floats();
    int w = (int) ref.get("width").longs()[0];
    int h = (int) ref.get("height").longs()[0];
    float[] boxes = ref.get("boxes").floats();
    List<Face> got =
        FaceBoxes.suppress(
            FaceBoxes.decode(grid, 0, 13, 416, w, h, FaceBoxes.SCORE_THRESHOLD),
            FaceBoxes.IOU_THRESHOLD);
    assertEquals(boxes.length / 5, got.size(), got.toString());
    for (int i = 0; i < got.size(); i++) {
      Face f = got.get(i);
      assertEquals(boxes[5 * i], f.score(), 1e-6);
      assertEquals(boxes[5 * i + 1] * w, f.x(), 1e-3);
      assertEquals(boxes[5 * i + 2] * h, f.y(), 1e-3);
      assertEquals(boxes[5 * i + 3] * w, f.width(), 1e-3);
      assertEquals(boxes[5 * i + 4] * h, f.height(), 1e-3);
    }
    // face-api.js's own box for this image (models/face/faceapi_reference.json).
    Face faceApi = new Face(0.9755, 163.2525, 75.6603, 116.0375, 110.9834, null);
    assertTrue(got.get(0).iou(faceApi) > 0.9999, got.get(0).toString());
  }

  @Test
  void decodesOneHandMadeCell() {
    // One anchor (index 1) in cell row 2, col 3 of a 13x13 grid; all else far below threshold.
    float[] grid = new float[25 * 169];
    java.util.Arrays.fill(grid, -20f);
    int plane = 169;
    int cell = 2 * 13 + 3;
    int base = 5 * plane;
    grid[base + cell] = 0f; // sigmoid 0.5 -> centre x in the middle of the cell
    grid[base + plane + cell] = 0f;
    grid[base + 2 * plane + cell] = 0f; // exp 1 -> anchor width
    grid[base + 3 * plane + cell] = (float) Math.log(2);
    grid[base + 4 * plane + cell] = 3f;
    // A square 416x416 image: no padding correction.
    List<Face> got = FaceBoxes.decode(grid, 0, 13, 416, 416, 416, 0.5);
    assertEquals(1, got.size());
    Face f = got.get(0);
    double cx = 3.5 / 13 * 416;
    double cy = 2.5 / 13 * 416;
    double bw = 6.041143 / 13 * 416;
    double bh = 2 * 7.080126 / 13 * 416;
    assertEquals(1 / (1 + Math.exp(-3)), f.score(), 1e-9);
    assertEquals(cx - bw / 2, f.x(), 1e-3);
    assertEquals(cy - bh / 2, f.y(), 1e-3);
    assertEquals(bw, f.width(), 1e-3);
    assertEquals(bh, f.height(), 1e-3);
    // A 832x416 image is padded at the bottom: heights relative to the image double.
    Face wide = FaceBoxes.decode(grid, 0, 13, 416, 832, 416, 0.5).get(0);
    assertEquals(bh / 416 * 2 * 416, wide.height(), 1e-3);
    assertEquals(bw / 416 * 832, wide.width(), 1e-3);
  }

  @Test
  void suppressionKeepsTheBestOfOverlappingBoxesAndSeparateOnes() {
    Face a = new Face(0.9, 0, 0, 100, 100, null);
    Face b = new Face(0.8, 10, 10, 100, 100, null); // IoU with a: 8100/11900 = 0.68
    Face c = new Face(0.7, 300, 300, 50, 50, null);
    Face d = new Face(0.95, 60, 0, 100, 100, null); // IoU with a: 4000/16000 = 0.25
    List<Face> kept = FaceBoxes.suppress(List.of(a, b, c, d), 0.4);
    assertEquals(List.of(d, a, c), kept);
    assertEquals(0.25, a.iou(d), 1e-12);
  }

  @Test
  void aShortGridIsRefusedWithItsSize() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> FaceBoxes.decode(new float[100], 0, 13, 416, 10, 10, 0.5));
    assertTrue(e.getMessage().contains("4225") && e.getMessage().contains("100"), e.getMessage());
  }
}
