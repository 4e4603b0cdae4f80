package io.github.trt4j.gazeml;

import java.util.List;

/**
 * Everything found in one frame.
 *
 * @param frame frame number (0 for a single image)
 * @param width frame width in pixels
 * @param height frame height
 * @param faces faces, with landmarks when the landmark model ran (empty in eye-region/patch modes)
 * @param eyes eye results
 * @param nothingFoundBy the stage that found nothing, which left the later stages without input:
 *     {@code "face detector"} (no face), {@code "landmarks"} (every face box outside the frame),
 *     {@code "eye placement"} (every eye narrower than {@link EyePlacement#MIN_EYE_WIDTH} px); or
 *     {@code null} when eyes were found
 */
public record FrameResult(
    long frame,
    int width,
    int height,
    List<Face> faces,
    List<EyeResult> eyes,
    String nothingFoundBy) {

  public FrameResult {
    faces = List.copyOf(faces);
    eyes = List.copyOf(eyes);
  }

  /** One JSON object on one line, with the input's name. */
  public String toJson(String input) {
    StringBuilder b = new StringBuilder(256 + 1600 * faces.size() + 700 * eyes.size());
    b.append("{\"input\":")
        .append(quote(input))
        .append(",\"frame\":")
        .append(frame)
        .append(",\"width\":")
        .append(width)
        .append(",\"height\":")
        .append(height)
        .append(",\"faces\":[");
    for (int i = 0; i < faces.size(); i++) {
      b.append(i > 0 ? "," : "").append(faces.get(i).toJson());
    }
    b.append("],\"eyes\":[");
    for (int i = 0; i < eyes.size(); i++) {
      b.append(i > 0 ? "," : "").append(eyes.get(i).toJson());
    }
    b.append("],\"nothing_found_by\":")
        .append(nothingFoundBy == null ? "null" : quote(nothingFoundBy));
    return b.append('}').toString();
  }

  static String quote(String s) {
    StringBuilder b = new StringBuilder(s.length() + 2).append('"');
    for (char c : s.toCharArray()) {
      switch (c) {
        case '"' -> b.append("\\\"");
        case '\\' -> b.append("\\\\");
        case '\n' -> b.append("\\n");
        case '\r' -> b.append("\\r");
        case '\t' -> b.append("\\t");
        default -> {
          if (c < 0x20) {
            b.append(String.format("\\u%04x", (int) c));
          } else {
            b.append(c);
          }
        }
      }
    }
    return b.append('"').toString();
  }
}
