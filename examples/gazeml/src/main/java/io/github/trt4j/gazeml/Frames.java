package io.github.trt4j.gazeml;

import static org.bytedeco.opencv.global.opencv_core.CV_16U;
import static org.bytedeco.opencv.global.opencv_core.CV_32F;
import static org.bytedeco.opencv.global.opencv_core.CV_64F;
import static org.bytedeco.opencv.global.opencv_core.CV_8U;
import static org.bytedeco.opencv.global.opencv_core.CV_8UC3;

import org.bytedeco.opencv.global.opencv_imgproc;
import org.bytedeco.opencv.opencv_core.Mat;

/** Brings any image OpenCV decodes to the pipeline's 8-bit BGR. */
public final class Frames {

  private Frames() {}

  /**
   * An 8-bit BGR copy of {@code img}: grey and BGRA are converted, 16-bit scaled by 1/257, float
   * taken as 0..1. The caller owns the result.
   *
   * @throws IllegalArgumentException for an empty image or one with 2 or more than 4 channels, or
   *     of a depth other than 8/16-bit or float
   */
  public static Mat toBgr8(Mat img) {
    if (img == null || img.empty()) {
      throw new IllegalArgumentException("empty image");
    }
    int depth = img.depth();
    int ch = img.channels();
    if (ch != 1 && ch != 3 && ch != 4) {
      throw new IllegalArgumentException("need 1, 3 or 4 channels; got " + ch);
    }
    Mat eight = new Mat();
    if (depth == CV_8U) {
      img.copyTo(eight);
    } else if (depth == CV_16U) {
      img.convertTo(eight, CV_8U, 1.0 / 257, 0);
    } else if (depth == CV_32F || depth == CV_64F) {
      img.convertTo(eight, CV_8U, 255, 0);
    } else {
      eight.close();
      throw new IllegalArgumentException(
          "need an 8-bit, 16-bit or float image; got OpenCV depth " + depth);
    }
    if (ch == 3) {
      return eight;
    }
    Mat bgr = new Mat();
    opencv_imgproc.cvtColor(
        eight, bgr, ch == 1 ? opencv_imgproc.COLOR_GRAY2BGR : opencv_imgproc.COLOR_BGRA2BGR);
    eight.close();
    if (bgr.type() != CV_8UC3) {
      throw new IllegalStateException("conversion gave Mat type " + bgr.type());
    }
    return bgr;
  }
}
