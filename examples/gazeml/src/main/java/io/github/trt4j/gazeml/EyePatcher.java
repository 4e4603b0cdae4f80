package io.github.trt4j.gazeml;

import static org.bytedeco.opencv.global.opencv_core.BORDER_REPLICATE;
import static org.bytedeco.opencv.global.opencv_core.CV_64F;
import static org.bytedeco.opencv.global.opencv_core.CV_8UC1;
import static org.bytedeco.opencv.global.opencv_imgproc.INTER_LINEAR;

import org.bytedeco.javacpp.indexer.DoubleIndexer;
import org.bytedeco.opencv.global.opencv_imgproc;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Scalar;
import org.bytedeco.opencv.opencv_core.Size;

/**
 * GazeML's eye-patch preprocessing with OpenCV: cut a 60×36 patch by {@code warpAffine} (bilinear,
 * replicated border), equalize its histogram, and scale to {@code v * 2/255 - 1}.
 */
public final class EyePatcher {

  private EyePatcher() {}

  /** The 36×60 8-bit patch of a grey image under {@code imageToPatch}. The caller owns the Mat. */
  public static Mat cut(Mat gray, EyeGeometry.Affine imageToPatch) {
    if (gray.type() != CV_8UC1) {
      throw new IllegalArgumentException("need an 8-bit grey image; got Mat type " + gray.type());
    }
    double[] m = imageToPatch.m();
    try (Mat affine = new Mat(2, 3, CV_64F);
        DoubleIndexer idx = affine.createIndexer();
        Size size = new Size(EyeGeometry.PATCH_W, EyeGeometry.PATCH_H);
        Scalar border = new Scalar(0.0)) {
      for (int i = 0; i < 6; i++) {
        idx.put(i / 3, i % 3, m[i]);
      }
      Mat patch = new Mat();
      opencv_imgproc.warpAffine(gray, patch, affine, size, INTER_LINEAR, BORDER_REPLICATE, border);
      return patch;
    }
  }

  /**
   * Equalizes a 36×60 8-bit patch and writes {@code v * 2/255 - 1} for its 2160 pixels, row-major,
   * into {@code dst} from {@code offset}.
   */
  public static void normalize(Mat patch, float[] dst, int offset) {
    int n = EyeGeometry.PATCH_W * EyeGeometry.PATCH_H;
    if (patch.rows() != EyeGeometry.PATCH_H
        || patch.cols() != EyeGeometry.PATCH_W
        || patch.type() != CV_8UC1) {
      throw new IllegalArgumentException(
          "need a 36x60 8-bit patch; got "
              + patch.rows()
              + "x"
              + patch.cols()
              + " of type "
              + patch.type());
    }
    byte[] px = new byte[n];
    try (Mat eq = new Mat()) {
      opencv_imgproc.equalizeHist(patch, eq);
      eq.data().get(px);
    }
    float k = 2f / 255f;
    for (int i = 0; i < n; i++) {
      dst[offset + i] = (px[i] & 0xFF) * k - 1f;
    }
  }

  /** A copy of an arbitrary grey eye image resized to 60×36 (for already-cropped eyes). */
  public static Mat resizeToPatch(Mat gray) {
    Mat out = new Mat();
    try (Size size = new Size(EyeGeometry.PATCH_W, EyeGeometry.PATCH_H)) {
      if (gray.cols() == EyeGeometry.PATCH_W && gray.rows() == EyeGeometry.PATCH_H) {
        gray.copyTo(out);
      } else {
        opencv_imgproc.resize(gray, out, size, 0, 0, opencv_imgproc.INTER_AREA);
      }
    }
    return out;
  }
}
