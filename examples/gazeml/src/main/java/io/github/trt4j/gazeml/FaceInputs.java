package io.github.trt4j.gazeml;

import static org.bytedeco.opencv.global.opencv_core.BORDER_CONSTANT;
import static org.bytedeco.opencv.global.opencv_core.BORDER_REPLICATE;
import static org.bytedeco.opencv.global.opencv_core.CV_32F;
import static org.bytedeco.opencv.global.opencv_core.CV_32FC3;
import static org.bytedeco.opencv.global.opencv_core.CV_64F;
import static org.bytedeco.opencv.global.opencv_core.CV_8UC3;
import static org.bytedeco.opencv.global.opencv_imgproc.INTER_LINEAR;
import static org.bytedeco.opencv.global.opencv_imgproc.WARP_INVERSE_MAP;

import java.nio.FloatBuffer;
import org.bytedeco.javacpp.indexer.DoubleIndexer;
import org.bytedeco.opencv.global.opencv_core;
import org.bytedeco.opencv.global.opencv_imgproc;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.MatVector;
import org.bytedeco.opencv.opencv_core.Rect;
import org.bytedeco.opencv.opencv_core.Scalar;
import org.bytedeco.opencv.opencv_core.Size;

/**
 * The two face networks' inputs, cut from an 8-bit BGR frame the way face-api.js cuts them, so that
 * the engines see what face-api.js's networks see (checked against scripts/faceapi/pipeline.py).
 *
 * <p>face-api pads an image with zeros to a square (detector: at the bottom/right; landmark crop:
 * centred, the odd pixel after) and resizes it with TensorFlow's legacy bilinear resize, which maps
 * output pixel {@code i} to input {@code i * in / out} (no half-pixel offset) and clamps at the
 * last row/column. {@code warpAffine} with that map as an inverse map computes the same samples.
 * Outputs are planar RGB floats 0..255 (the networks normalize inside).
 */
public final class FaceInputs {

  private FaceInputs() {}

  /**
   * The clipped, floored crop face-api takes for a face box: x, y, width, height (may be empty).
   */
  public static int[] cropBox(Face f, int width, int height) {
    double cx = Math.max(f.x(), 0);
    double cy = Math.max(f.y(), 0);
    double cw = Math.min(f.x() + f.width() - cx, width - cx);
    double ch = Math.min(f.y() + f.height() - cy, height - cy);
    return new int[] {
      (int) Math.floor(cx), (int) Math.floor(cy), (int) Math.floor(cw), (int) Math.floor(ch)
    };
  }

  /**
   * Writes the detector input of {@code bgr} ({@code 3 * size * size} floats, planar RGB) into
   * {@code dst} from {@code offset}.
   */
  public static void detectorInput(Mat bgr, int size, float[] dst, int offset) {
    requireBgr8(bgr);
    int side = Math.max(bgr.cols(), bgr.rows());
    Mat src = bgr;
    int border = BORDER_CONSTANT;
    if (side < size) {
      // Upscaling samples past the last row/column, where TF clamps to the padded square's edge.
      src = new Mat();
      try (Scalar zero = new Scalar(0.0)) {
        opencv_core.copyMakeBorder(
            bgr, src, 0, side - bgr.rows(), 0, side - bgr.cols(), BORDER_CONSTANT, zero);
      }
      border = BORDER_REPLICATE;
    }
    try (Mat out = new Mat()) {
      warpScaled(src, out, side, size, border);
      planarRgb(out, dst, offset);
    } finally {
      if (src != bgr) {
        src.close();
      }
    }
  }

  /**
   * Writes the landmark-net input of one face ({@code 3 * size * size} floats, planar RGB) into
   * {@code dst} from {@code offset}: the crop of {@link #cropBox}, zero-padded to a centred square,
   * resized to {@code size}.
   *
   * @param crop a non-empty {@link #cropBox}
   */
  public static void landmarkInput(Mat bgr, int[] crop, int size, float[] dst, int offset) {
    requireBgr8(bgr);
    int cw = crop[2];
    int ch = crop[3];
    int side = Math.max(cw, ch);
    int diff = Math.abs(cw - ch);
    int before = diff - (int) Math.floor(diff * 0.5 + 0.5);
    try (Rect r = new Rect(crop[0], crop[1], cw, ch);
        Mat roi = new Mat(bgr, r);
        Scalar zero = new Scalar(0.0);
        Mat square = new Mat(side, side, CV_32FC3, zero);
        Rect at = new Rect(cw < ch ? before : 0, ch < cw ? before : 0, cw, ch);
        Mat place = new Mat(square, at);
        Mat out = new Mat()) {
      roi.convertTo(place, CV_32F);
      warpScaled(square, out, side, size, BORDER_REPLICATE);
      planarRgb(out, dst, offset);
    }
  }

  /**
   * Maps the network's 136 outputs for one face (fractions of the padded square) back to image
   * pixels as face-api.js does; the offset is the detection box's corner, or the crop's where the
   * box leaves the image (face-api adds the unclipped corner there, which shifts such faces).
   */
  public static double[] landmarksToImage(float[] out, int offset, Face f, int[] crop, int size) {
    int cw = crop[2];
    int ch = crop[3];
    double s = (double) size / Math.max(cw, ch);
    double sw = cw * s;
    double sh = ch * s;
    double padX = sw < sh ? Math.abs(sw - sh) / 2 : 0;
    double padY = sh < sw ? Math.abs(sw - sh) / 2 : 0;
    double ox = f.x() >= 0 ? f.x() : crop[0];
    double oy = f.y() >= 0 ? f.y() : crop[1];
    double[] p = new double[2 * Face.LANDMARKS];
    for (int i = 0; i < Face.LANDMARKS; i++) {
      p[2 * i] = (out[offset + 2 * i] * size - padX) / sw * cw + ox;
      p[2 * i + 1] = (out[offset + 2 * i + 1] * size - padY) / sh * ch + oy;
    }
    return p;
  }

  /** {@code out = src} sampled at {@code dst * side / size} (TF's legacy bilinear resize). */
  private static void warpScaled(Mat src, Mat out, int side, int size, int border) {
    double k = (double) side / size;
    try (Mat m = new Mat(2, 3, CV_64F);
        DoubleIndexer idx = m.createIndexer();
        Size s = new Size(size, size);
        Scalar zero = new Scalar(0.0)) {
      idx.put(0, 0, k).put(0, 1, 0).put(0, 2, 0).put(1, 0, 0).put(1, 1, k).put(1, 2, 0);
      opencv_imgproc.warpAffine(src, out, m, s, INTER_LINEAR | WARP_INVERSE_MAP, border, zero);
    }
  }

  /**
   * Interleaved BGR (8-bit or float) to planar RGB floats: OpenCV splits and converts each channel
   * into its plane (vectorized), then one bulk copy into {@code dst}.
   */
  private static void planarRgb(Mat img, float[] dst, int offset) {
    int h = img.rows();
    int w = img.cols();
    try (Mat blob = new Mat(3 * h, w, CV_32F);
        MatVector planes = new MatVector()) {
      opencv_core.split(img, planes);
      for (int c = 0; c < 3; c++) {
        // BGR channel c goes to RGB plane 2 - c.
        try (Mat plane = planes.get(c);
            Rect r = new Rect(0, (2 - c) * h, w, h);
            Mat into = new Mat(blob, r)) {
          plane.convertTo(into, CV_32F);
        }
      }
      FloatBuffer fb = blob.createBuffer();
      fb.get(dst, offset, 3 * h * w);
    }
  }

  static void requireBgr8(Mat m) {
    if (m.type() != CV_8UC3) {
      throw new IllegalArgumentException(
          "need an 8-bit BGR image (CV_8UC3); got Mat type "
              + m.type()
              + " with "
              + m.channels()
              + " channel(s); convert it with Frames.toBgr8");
    }
  }
}
