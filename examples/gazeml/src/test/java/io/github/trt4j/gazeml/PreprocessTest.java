package io.github.trt4j.gazeml;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.trt4j.Npy;
import io.github.trt4j.Tensor;
import java.nio.file.Path;
import java.util.Map;
import org.bytedeco.opencv.global.opencv_imgcodecs;
import org.bytedeco.opencv.opencv_core.Mat;
import org.junit.jupiter.api.Test;

/** The Java preprocessing against OpenCV's Python binding (scripts/gazeml/make_samples.py). */
class PreprocessTest {

  static final Path RES = TestResources.path("gazeml");

  @Test
  void affineMatchesTheIndependentPythonMaps() throws Exception {
    Map<String, Tensor> ref = Npy.readNpz(RES.resolve("preprocess_reference.npz"));
    float[] specs = ref.get("specs").toFloats();
    float[] affine = ref.get("affine").toFloats();
    for (int k = 0; k < 2; k++) {
      double[] m =
          EyeGeometry.imageToPatch(
                  specs[5 * k],
                  specs[5 * k + 1],
                  specs[5 * k + 2],
                  specs[5 * k + 3],
                  specs[5 * k + 4] != 0)
              .m();
      for (int i = 0; i < 6; i++) {
        assertEquals(
            affine[6 * k + i], m[i], 1e-4 * Math.max(1, Math.abs(m[i])), "eye " + k + " m" + i);
      }
    }
  }

  @Test
  void networkInputMatchesPythonWithin1e5() throws Exception {
    Map<String, Tensor> ref = Npy.readNpz(RES.resolve("preprocess_reference.npz"));
    double[] specs = new double[10];
    float[] f = ref.get("specs").toFloats();
    for (int i = 0; i < 10; i++) {
      specs[i] = f[i];
    }
    float[] want = ref.get("input").floats();
    float[] got = new float[2 * 2160];
    Mat gray =
        opencv_imgcodecs.imread(
            RES.resolve("eye_region.png").toString(), opencv_imgcodecs.IMREAD_GRAYSCALE);
    try {
      for (int k = 0; k < 2; k++) {
        EyeGeometry.Affine a =
            EyeGeometry.imageToPatch(
                specs[5 * k],
                specs[5 * k + 1],
                specs[5 * k + 2],
                specs[5 * k + 3],
                specs[5 * k + 4] != 0);
        try (Mat patch = EyePatcher.cut(gray, a)) {
          EyePatcher.normalize(patch, got, k * 2160);
        }
      }
    } finally {
      gray.close();
    }
    double max = 0;
    for (int i = 0; i < want.length; i++) {
      max = Math.max(max, Math.abs(want[i] - got[i]));
    }
    System.out.println("Java vs Python preprocessing: max abs difference " + max);
    assertTrue(max <= 1e-5, "max abs difference " + max);
  }

  @Test
  void normalizeScalesEqualizedPixels() {
    byte[] px = new byte[2160];
    for (int i = 0; i < px.length; i++) {
      px[i] = (byte) (i % 2 == 0 ? 10 : 20);
    }
    float[] out = new float[2160];
    try (Mat m = GazeMlOutput.grayMat(px, 36, 60)) {
      EyePatcher.normalize(m, out, 0);
    }
    // OpenCV's equalizeHist maps the lowest level to 0 and the highest to 255.
    assertEquals(-1f, out[0], 1e-6);
    assertEquals(1f, out[1], 1e-6);
    assertArrayEquals(new float[] {out[0], out[1]}, new float[] {out[2], out[3]});
  }
}
