package io.github.trt4j.gazeml;

import java.util.Locale;

/**
 * One face in image pixels: the detector's score and box, and (once the landmark model ran) its 68
 * facial landmarks in the iBUG order (jaw 0-16, brows 17-26, nose 27-35, image-left eye 36-41,
 * image-right eye 42-47, mouth 48-67).
 *
 * @param score detector confidence, 0..1
 * @param x box left
 * @param y box top
 * @param width box width
 * @param height box height
 * @param landmarks 68 (x, y) pairs, or {@code null} before the landmark model ran
 */
public record Face(
    double score, double x, double y, double width, double height, double[] landmarks) {

  public static final int LANDMARKS = 68;

  public Face {
    if (landmarks != null) {
      if (landmarks.length != 2 * LANDMARKS) {
        throw new IllegalArgumentException(
            "need 136 landmark coordinates; got " + landmarks.length);
      }
      landmarks = landmarks.clone();
    }
  }

  @Override
  public double[] landmarks() {
    return landmarks == null ? null : landmarks.clone();
  }

  public Face withLandmarks(double[] points) {
    return new Face(score, x, y, width, height, points);
  }

  /** Intersection over union of two boxes. */
  public double iou(Face o) {
    double iw = Math.max(0, Math.min(x + width, o.x + o.width) - Math.max(x, o.x));
    double ih = Math.max(0, Math.min(y + height, o.y + o.height) - Math.max(y, o.y));
    double inter = iw * ih;
    return inter / (width * height + o.width * o.height - inter);
  }

  /** One JSON object on one line. */
  public String toJson() {
    StringBuilder b = new StringBuilder(landmarks == null ? 96 : 1600);
    b.append("{\"score\":")
        .append(num(score))
        .append(",\"box\":[")
        .append(num(x))
        .append(',')
        .append(num(y))
        .append(',')
        .append(num(width))
        .append(',')
        .append(num(height))
        .append(']');
    if (landmarks != null) {
      b.append(",\"landmarks\":[");
      for (int i = 0; i < LANDMARKS; i++) {
        b.append(i > 0 ? "," : "")
            .append('[')
            .append(num(landmarks[2 * i]))
            .append(',')
            .append(num(landmarks[2 * i + 1]))
            .append(']');
      }
      b.append(']');
    }
    return b.append('}').toString();
  }

  static String num(double v) {
    return Double.isFinite(v) ? String.format(Locale.ROOT, "%.3f", v) : "null";
  }
}
