package io.github.trt4j.gazeml;

import java.util.Locale;

/**
 * One eye's result in image pixels.
 *
 * @param frame frame number (0 for a single image)
 * @param eye {@code left} or {@code right} as seen in the image
 * @param source where the eye position came from: {@code cascade}, {@code geometry} (fallback) or
 *     {@code patch} (an already-cropped eye)
 * @param box axis-aligned box around the eye patch in the image: x, y, width, height
 * @param landmarks 18 (x, y) pairs in image pixels: eyelid 0-7, iris edge 8-15, iris centre 16,
 *     eyeball centre 17
 * @param radius eyeball radius in image pixels
 * @param pitch gaze pitch, degrees (positive: up)
 * @param yaw gaze yaw, degrees (positive: towards image left, GazeML's sign)
 * @param confidence mean of the 18 heatmap peaks
 * @param roll in-plane angle of the eye line, radians (for drawing the gaze)
 */
public record EyeResult(
    long frame,
    String eye,
    String source,
    double[] box,
    double[] landmarks,
    double radius,
    double pitch,
    double yaw,
    double confidence,
    double roll) {

  /** One JSON object on one line. */
  public String toJson() {
    StringBuilder b = new StringBuilder(512);
    b.append("{\"frame\":")
        .append(frame)
        .append(",\"eye\":\"")
        .append(eye)
        .append("\",\"source\":\"")
        .append(source)
        .append("\",\"box\":[");
    for (int i = 0; i < 4; i++) {
      b.append(i > 0 ? "," : "").append(num(box[i]));
    }
    b.append("],\"landmarks\":[");
    for (int i = 0; i < landmarks.length / 2; i++) {
      b.append(i > 0 ? "," : "")
          .append('[')
          .append(num(landmarks[2 * i]))
          .append(',')
          .append(num(landmarks[2 * i + 1]))
          .append(']');
    }
    b.append("],\"radius\":")
        .append(num(radius))
        .append(",\"pitch\":")
        .append(num(pitch))
        .append(",\"yaw\":")
        .append(num(yaw))
        .append(",\"confidence\":")
        .append(num(confidence))
        .append('}');
    return b.toString();
  }

  private static String num(double v) {
    return Double.isFinite(v) ? String.format(Locale.ROOT, "%.3f", v) : "null";
  }
}
