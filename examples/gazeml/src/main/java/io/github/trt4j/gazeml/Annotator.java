package io.github.trt4j.gazeml;

import static org.bytedeco.opencv.global.opencv_imgproc.LINE_AA;

import org.bytedeco.opencv.global.opencv_imgproc;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Point;
import org.bytedeco.opencv.opencv_core.Scalar;

/**
 * Draws results on a BGR image: face box (white) and 68 landmarks (cyan dots); per eye the eyelid
 * outline (green), iris outline (yellow), iris centre (red), eyeball centre (blue) and a gaze arrow
 * (magenta) as long as the eyeball's diameter.
 */
public final class Annotator {

  private static final int SHIFT = 4;
  private static final double ONE = 1 << SHIFT;

  private Annotator() {}

  /** Every face and eye of a frame. */
  public static void draw(Mat bgr, FrameResult r) {
    for (Face f : r.faces()) {
      draw(bgr, f);
    }
    for (EyeResult e : r.eyes()) {
      draw(bgr, e);
    }
  }

  public static void draw(Mat bgr, Face f) {
    int thick = (int) Math.max(1, Math.round(f.width() / 150.0));
    try (Scalar white = new Scalar(255, 255, 255, 0);
        Scalar cyan = new Scalar(255, 255, 0, 0);
        Point a = pt(f.x(), f.y());
        Point b = pt(f.x() + f.width(), f.y() + f.height())) {
      opencv_imgproc.rectangle(bgr, a, b, white, thick, LINE_AA, SHIFT);
      double[] l = f.landmarks();
      if (l != null) {
        for (int i = 0; i < Face.LANDMARKS; i++) {
          dot(bgr, l[2 * i], l[2 * i + 1], Math.max(1.0, f.width() / 120.0), cyan);
        }
      }
    }
  }

  public static void draw(Mat bgr, EyeResult r) {
    double[] l = r.landmarks();
    double thick = Math.max(1, Math.round(r.box()[2] / 120.0));
    try (Scalar green = new Scalar(0, 220, 0, 0);
        Scalar yellow = new Scalar(0, 230, 255, 0);
        Scalar red = new Scalar(0, 0, 255, 0);
        Scalar blue = new Scalar(255, 64, 0, 0);
        Scalar magenta = new Scalar(255, 0, 255, 0)) {
      ring(bgr, l, 0, green, (int) thick);
      ring(bgr, l, 8, yellow, (int) thick);
      dot(bgr, l[32], l[33], Math.max(1.5, thick), red);
      dot(bgr, l[34], l[35], Math.max(1.5, thick), blue);
      if (Double.isFinite(r.pitch()) && Double.isFinite(r.yaw())) {
        double p = Math.toRadians(r.pitch());
        double y = Math.toRadians(r.yaw());
        double gx = -Math.cos(p) * Math.sin(y);
        double gy = -Math.sin(p);
        double c = Math.cos(r.roll());
        double s = Math.sin(r.roll());
        double len = 2 * (Double.isFinite(r.radius()) ? r.radius() : r.box()[2] / 3);
        double ex = l[32] + len * (c * gx - s * gy);
        double ey = l[33] + len * (s * gx + c * gy);
        try (Point a = pt(l[32], l[33]);
            Point b = pt(ex, ey)) {
          opencv_imgproc.arrowedLine(bgr, a, b, magenta, (int) thick + 1, LINE_AA, SHIFT, 0.2);
        }
      }
    }
  }

  private static void ring(Mat img, double[] l, int from, Scalar color, int thick) {
    for (int i = 0; i < 8; i++) {
      int a = from + i;
      int b = from + (i + 1) % 8;
      try (Point p = pt(l[2 * a], l[2 * a + 1]);
          Point q = pt(l[2 * b], l[2 * b + 1])) {
        opencv_imgproc.line(img, p, q, color, thick, LINE_AA, SHIFT);
      }
    }
  }

  private static void dot(Mat img, double x, double y, double radius, Scalar color) {
    try (Point p = pt(x, y)) {
      opencv_imgproc.circle(img, p, (int) Math.round(radius * ONE), color, -1, LINE_AA, SHIFT);
    }
  }

  private static Point pt(double x, double y) {
    return new Point((int) Math.round(x * ONE), (int) Math.round(y * ONE));
  }
}
