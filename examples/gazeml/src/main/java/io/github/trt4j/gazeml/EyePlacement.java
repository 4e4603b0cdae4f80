package io.github.trt4j.gazeml;

import java.util.ArrayList;
import java.util.List;

/**
 * Where each eye's 60×36 patch comes from, in plain Java. From 68 facial landmarks as GazeML's demo
 * does it from its landmark model: per eye, the centre is the midpoint of the two corners (36/39
 * for the image-left eye, 42/45 for the image-right one), the width their distance (the patch spans
 * 1.5 widths), the roll the angle of the corner line; the image-left eye is mirrored. Or, for a
 * close-up without a face, from an explicit eye region.
 */
public final class EyePlacement {

  /** Eyes narrower than this (pixels) are skipped: their patch would be mostly interpolation. */
  public static final double MIN_EYE_WIDTH = 6;

  /** In an eye region, each eye's width as a fraction of half the region's width. */
  public static final double REGION_EYE_WIDTH = 0.45;

  /**
   * One eye to cut.
   *
   * @param eye {@code left} or {@code right} as seen in the image
   * @param cx centre x, image pixels
   * @param cy centre y
   * @param width corner-to-corner width
   * @param roll angle of the corner line, radians (atan2(dy, dx))
   * @param flip mirror the patch (the image-left eye)
   * @param face index of the face in the frame, -1 for an eye region
   */
  public record Eye(
      String eye, double cx, double cy, double width, double roll, boolean flip, int face) {
    public EyeGeometry.Affine toPatch() {
      return EyeGeometry.imageToPatch(cx, cy, width, roll, flip);
    }
  }

  private EyePlacement() {}

  /** Both eyes of a face with landmarks; eyes below {@link #MIN_EYE_WIDTH} are left out. */
  public static List<Eye> fromLandmarks(double[] lm, int face) {
    if (lm == null || lm.length != 2 * Face.LANDMARKS) {
      throw new IllegalArgumentException(
          "need 68 landmarks (136 values); got " + (lm == null ? "none" : lm.length));
    }
    List<Eye> eyes = new ArrayList<>(2);
    add(eyes, "left", lm, 36, 39, true, face);
    add(eyes, "right", lm, 42, 45, false, face);
    return eyes;
  }

  private static void add(
      List<Eye> eyes, String name, double[] lm, int a, int b, boolean flip, int face) {
    double x1 = lm[2 * a];
    double y1 = lm[2 * a + 1];
    double x2 = lm[2 * b];
    double y2 = lm[2 * b + 1];
    double width = Math.hypot(x2 - x1, y2 - y1);
    if (!(width >= MIN_EYE_WIDTH)) {
      return;
    }
    eyes.add(
        new Eye(
            name, (x1 + x2) / 2, (y1 + y2) / 2, width, Math.atan2(y2 - y1, x2 - x1), flip, face));
  }

  /**
   * An image showing both eyes and little else: each eye at the centre of its half, {@link
   * #REGION_EYE_WIDTH} of the half wide, no roll.
   */
  public static List<Eye> eyeRegion(int width, int height) {
    double half = width / 2.0;
    double w = REGION_EYE_WIDTH * half;
    double cy = (height - 1) / 2.0;
    if (!(w >= MIN_EYE_WIDTH) || height < 2) {
      return List.of();
    }
    return List.of(
        new Eye("left", half / 2 - 0.5, cy, w, 0, true, -1),
        new Eye("right", half + half / 2 - 0.5, cy, w, 0, false, -1));
  }
}
