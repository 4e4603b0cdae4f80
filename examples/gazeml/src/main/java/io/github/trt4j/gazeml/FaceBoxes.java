package io.github.trt4j.gazeml;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Decodes the tiny face detector's raw grid into boxes, as face-api.js does (plain Java, no
 * OpenCV): per cell and anchor, {@code sigmoid(score)} above a threshold, centre {@code (col +
 * sigmoid(x)) / 13}, size {@code exp(w) * anchor / 13}, in fractions of the padded square and then
 * of the image's own width and height; then greedy non-maximum suppression by descending score.
 *
 * <p>The grid is NCHW {@code [25, 13, 13]} for one image: channel {@code anchor * 5 + k} with
 * {@code k} = x, y, w, h, score (the layout of {@code models/face/face_detector.onnx}).
 */
public final class FaceBoxes {

  /** face-api's anchors for the tiny face detector, in cells (width, height). */
  static final double[][] ANCHORS = {
    {1.603231, 2.094468},
    {6.041143, 7.080126},
    {2.882459, 3.518061},
    {4.266906, 5.178857},
    {9.041765, 10.66308}
  };

  /** face-api's defaults. */
  public static final double SCORE_THRESHOLD = 0.5;

  public static final double IOU_THRESHOLD = 0.4;

  private FaceBoxes() {}

  /**
   * Boxes in image pixels above {@code scoreThreshold}, before suppression.
   *
   * @param grid the raw output; one image starts at {@code offset}
   * @param cells grid cells per side (13 for a 416 input)
   * @param inputSize the detector's input side (416)
   * @param width image width in pixels
   * @param height image height in pixels
   */
  public static List<Face> decode(
      float[] grid,
      int offset,
      int cells,
      int inputSize,
      int width,
      int height,
      double scoreThreshold) {
    int plane = cells * cells;
    if (grid.length < offset + ANCHORS.length * 5 * plane) {
      throw new IllegalArgumentException(
          "Detector grid needs "
              + ANCHORS.length * 5 * plane
              + " values from offset "
              + offset
              + "; got "
              + (grid.length - offset));
    }
    // face-api scales by the image's own (rounded) size inside the padded square.
    double scale = (double) inputSize / Math.max(width, height);
    double fx = inputSize / (double) Math.floor(width * scale + 0.5);
    double fy = inputSize / (double) Math.floor(height * scale + 0.5);
    List<Face> out = new ArrayList<>();
    for (int row = 0; row < cells; row++) {
      for (int col = 0; col < cells; col++) {
        for (int a = 0; a < ANCHORS.length; a++) {
          int base = offset + a * 5 * plane + row * cells + col;
          double score = sigmoid(grid[base + 4 * plane]);
          if (score <= scoreThreshold) {
            continue;
          }
          double cx = (col + sigmoid(grid[base])) / cells * fx;
          double cy = (row + sigmoid(grid[base + plane])) / cells * fy;
          double w = Math.exp(grid[base + 2 * plane]) * ANCHORS[a][0] / cells * fx;
          double h = Math.exp(grid[base + 3 * plane]) * ANCHORS[a][1] / cells * fy;
          out.add(
              new Face(
                  score, (cx - w / 2) * width, (cy - h / 2) * height, w * width, h * height, null));
        }
      }
    }
    return out;
  }

  /**
   * Greedy suppression: highest score first, dropping boxes that overlap a kept one by more than
   * {@code iou}.
   */
  public static List<Face> suppress(List<Face> boxes, double iou) {
    List<Face> order = new ArrayList<>(boxes);
    order.sort(Comparator.comparingDouble(Face::score).reversed());
    List<Face> keep = new ArrayList<>();
    for (Face f : order) {
      boolean overlaps = false;
      for (Face k : keep) {
        if (k.iou(f) > iou) {
          overlaps = true;
          break;
        }
      }
      if (!overlaps) {
        keep.add(f);
      }
    }
    return keep;
  }

  static double sigmoid(double v) {
    return 1.0 / (1.0 + Math.exp(-v));
  }
}
