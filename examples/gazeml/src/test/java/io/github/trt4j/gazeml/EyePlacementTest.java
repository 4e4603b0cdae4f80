package io.github.trt4j.gazeml;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Eye patches from 68 landmarks, as GazeML places them from its eye corners. */
class EyePlacementTest {

  /** 68 landmarks, all at (100, 100) except the four eye corners. */
  static double[] corners(double[] c36, double[] c39, double[] c42, double[] c45) {
    double[] lm = new double[136];
    java.util.Arrays.fill(lm, 100);
    put(lm, 36, c36);
    put(lm, 39, c39);
    put(lm, 42, c42);
    put(lm, 45, c45);
    return lm;
  }

  static void put(double[] lm, int i, double[] p) {
    lm[2 * i] = p[0];
    lm[2 * i + 1] = p[1];
  }

  @Test
  void centreWidthAndRollComeFromEachEyesCorners() {
    // Left eye level, 30 px wide; right eye rolled by atan(10/40).
    double[] lm =
        corners(
            new double[] {100, 200},
            new double[] {130, 200},
            new double[] {170, 195},
            new double[] {210, 205});
    List<EyePlacement.Eye> eyes = EyePlacement.fromLandmarks(lm, 3);
    assertEquals(2, eyes.size());
    EyePlacement.Eye l = eyes.get(0);
    EyePlacement.Eye r = eyes.get(1);
    assertEquals("left", l.eye());
    assertTrue(l.flip());
    assertFalse(r.flip());
    assertEquals(115, l.cx(), 1e-12);
    assertEquals(200, l.cy(), 1e-12);
    assertEquals(30, l.width(), 1e-12);
    assertEquals(0, l.roll(), 1e-12);
    assertEquals(190, r.cx(), 1e-12);
    assertEquals(200, r.cy(), 1e-12);
    assertEquals(Math.hypot(40, 10), r.width(), 1e-12);
    assertEquals(Math.atan2(10, 40), r.roll(), 1e-12);
    assertEquals(3, r.face());
  }

  @Test
  void thePatchSpansOneAndAHalfCornerDistancesAroundTheCentre() {
    double[] lm =
        corners(
            new double[] {100, 200},
            new double[] {130, 200},
            new double[] {170, 195},
            new double[] {210, 205});
    EyePlacement.Eye r = EyePlacement.fromLandmarks(lm, 0).get(1);
    EyeGeometry.Affine a = r.toPatch();
    // The corners land symmetric about the patch centre, 60 / 1.5 = 40 patch pixels apart.
    double[] p = a.apply(170, 195);
    double[] q = a.apply(210, 205);
    assertEquals(29.5 - 20, p[0], 1e-9);
    assertEquals(29.5 + 20, q[0], 1e-9);
    assertEquals(17.5, p[1], 1e-9);
    assertEquals(17.5, q[1], 1e-9);
    // The image-left eye is mirrored: its outer corner (36) lands on the right of the patch.
    EyePlacement.Eye l = EyePlacement.fromLandmarks(lm, 0).get(0);
    assertEquals(29.5 + 20, l.toPatch().apply(100, 200)[0], 1e-9);
  }

  @Test
  void eyesTooNarrowAreLeftOut() {
    double[] lm =
        corners(
            new double[] {100, 200},
            new double[] {103, 200},
            new double[] {170, 200},
            new double[] {190, 200});
    List<EyePlacement.Eye> eyes = EyePlacement.fromLandmarks(lm, 0);
    assertEquals(1, eyes.size());
    assertEquals("right", eyes.get(0).eye());
    double[] nan =
        corners(
            new double[] {Double.NaN, 0},
            new double[] {1, 0},
            new double[] {0, 0},
            new double[] {0, 0});
    assertTrue(EyePlacement.fromLandmarks(nan, 0).isEmpty());
  }

  @Test
  void landmarksOfTheWrongCountAreRefused() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class, () -> EyePlacement.fromLandmarks(new double[10], 0));
    assertTrue(e.getMessage().contains("136") && e.getMessage().contains("10"), e.getMessage());
  }

  @Test
  void anEyeRegionHasOneEyePerHalf() {
    List<EyePlacement.Eye> eyes = EyePlacement.eyeRegion(520, 220);
    assertEquals(2, eyes.size());
    assertEquals(129.5, eyes.get(0).cx(), 1e-12);
    assertEquals(389.5, eyes.get(1).cx(), 1e-12);
    assertEquals(109.5, eyes.get(0).cy(), 1e-12);
    assertEquals(0.45 * 260, eyes.get(0).width(), 1e-12);
    assertTrue(eyes.get(0).flip());
    assertTrue(EyePlacement.eyeRegion(20, 10).isEmpty());
  }
}
