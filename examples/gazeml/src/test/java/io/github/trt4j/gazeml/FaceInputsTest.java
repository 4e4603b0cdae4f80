package io.github.trt4j.gazeml;

import static org.bytedeco.opencv.global.opencv_core.CV_8UC3;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.trt4j.Npy;
import io.github.trt4j.Tensor;
import java.nio.file.Path;
import java.util.Map;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.opencv.opencv_core.Mat;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The networks' inputs as face-api.js makes them, against scripts/faceapi/make_test_data.py's numpy
 * implementation (TF's legacy bilinear resize, zero padding). OpenCV's warpAffine quantizes sample
 * positions to 1/32 pixel and rounds 8-bit output, so values agree to a few grey levels on these
 * smooth test images, not exactly.
 */
class FaceInputsTest {

  static Map<String, Tensor> ref;

  @BeforeAll
  static void load() throws Exception {
    ref = Npy.readNpz(TestResources.path("face", "inputs_reference.npz"));
  }

  static Mat bgr(String name) {
    Tensor t = ref.get(name);
    long[] d = t.shape().dims();
    Mat m = new Mat((int) d[0], (int) d[1], CV_8UC3);
    try (BytePointer p = new BytePointer(t.bytes())) {
      org.bytedeco.javacpp.Pointer.memcpy(m.data(), p, t.bytes().length);
    }
    return m;
  }

  static void close(float[] got, float[] want, double maxAbs, double meanAbs) {
    assertEquals(want.length, got.length);
    double worst = 0;
    double sum = 0;
    for (int i = 0; i < got.length; i++) {
      double e = Math.abs(got[i] - want[i]);
      worst = Math.max(worst, e);
      sum += e;
    }
    System.out.printf("max %.3f, mean %.4f grey levels%n", worst, sum / got.length);
    assertTrue(worst <= maxAbs, "max difference " + worst);
    assertTrue(sum / got.length <= meanAbs, "mean difference " + sum / got.length);
  }

  @Test
  void detectorInputScalesDownAPaddedWideImage() {
    try (Mat img = bgr("det_down_image")) {
      float[] got = new float[3 * 32 * 32];
      FaceInputs.detectorInput(img, 32, got, 0);
      close(got, ref.get("det_down_input").floats(), 3.0, 0.5);
    }
  }

  @Test
  void detectorInputScalesUpAPaddedTallImage() {
    try (Mat img = bgr("det_up_image")) {
      float[] got = new float[3 * 64 * 64 + 5];
      FaceInputs.detectorInput(img, 64, got, 5);
      float[] shifted = java.util.Arrays.copyOfRange(got, 5, got.length);
      // 41/64 is not a multiple of 1/32: at the step from image to zero padding (~200 levels per
      // pixel) a 1/64-pixel position error is worth a few levels.
      close(shifted, ref.get("det_up_input").floats(), 5.0, 0.5);
    }
  }

  @Test
  void landmarkInputPadsTheCropToACentredSquare() {
    float[] box = ref.get("lm_box").floats();
    Face f = new Face(0.9, box[0], box[1], box[2], box[3], null);
    try (Mat img = bgr("lm_image")) {
      int[] crop = FaceInputs.cropBox(f, img.cols(), img.rows());
      assertArrayEquals(toInts(ref.get("lm_crop").longs()), crop);
      float[] got = new float[3 * 16 * 16];
      FaceInputs.landmarkInput(img, crop, 16, got, 0);
      // Float samples: only the 1/32-pixel position quantization remains.
      close(got, ref.get("lm_input").floats(), 1.5, 0.25);
    }
  }

  @Test
  void landmarksMapBackAsFaceApiMapsThem() {
    float[] box = ref.get("lm_box").floats();
    Face f = new Face(0.9, box[0], box[1], box[2], box[3], null);
    int[] crop = FaceInputs.cropBox(f, 90, 80);
    double[] got = FaceInputs.landmarksToImage(ref.get("lm_out").floats(), 0, f, crop, 112);
    float[] want = ref.get("lm_points").floats();
    for (int i = 0; i < want.length; i++) {
      assertEquals(want[i], got[i], 1e-3, "coordinate " + i);
    }
  }

  @Test
  void cropBoxesClipAtTheBordersAndFloor() {
    float[] boxes = ref.get("crop_boxes").floats();
    long[] want = ref.get("crop_expected").longs();
    for (int i = 0; i < boxes.length / 4; i++) {
      Face f =
          new Face(0.5, boxes[4 * i], boxes[4 * i + 1], boxes[4 * i + 2], boxes[4 * i + 3], null);
      assertArrayEquals(
          toInts(java.util.Arrays.copyOfRange(want, 4 * i, 4 * i + 4)),
          FaceInputs.cropBox(f, 90, 80),
          "box " + i);
    }
  }

  @Test
  void theGpuTestsExactResizeMatchesPyTorchsInput() throws Exception {
    // FaceNetsGpuTest feeds the engine face-api's input computed in double precision; its plane
    // means must be those of the Python input the reference grid came from.
    float[] mean =
        Npy.readNpz(Path.of("models", "face", "detector_reference.npz")).get("input_mean").floats();
    try (Mat img = GazeMlOutput.readBgr(Path.of("models", "face", "samples", "astronaut.png"))) {
      float[] in = FaceNetsGpuTest.tfResize(img, 416);
      float[] fast = new float[in.length];
      FaceInputs.detectorInput(img, 416, fast, 0);
      for (int c = 0; c < 3; c++) {
        double m = 0;
        for (int i = 0; i < 416 * 416; i++) {
          m += in[c * 416 * 416 + i];
        }
        assertEquals(mean[c], m / (416 * 416), 1e-3, "plane " + c);
      }
      close(fast, in, 5.0, 0.5);
    }
  }

  @Test
  void aGreyMatIsRefusedWithItsType() {
    try (Mat grey = new Mat(10, 10, org.bytedeco.opencv.global.opencv_core.CV_8UC1)) {
      IllegalArgumentException e =
          assertThrows(
              IllegalArgumentException.class,
              () -> FaceInputs.detectorInput(grey, 32, new float[3 * 32 * 32], 0));
      assertTrue(
          e.getMessage().contains("CV_8UC3") && e.getMessage().contains("Frames.toBgr8"),
          e.getMessage());
    }
  }

  static int[] toInts(long[] v) {
    int[] r = new int[v.length];
    for (int i = 0; i < v.length; i++) {
      r[i] = (int) v[i];
    }
    return r;
  }
}
