package io.github.trt4j.gazeml;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class EyeGeometryTest {

  @Test
  void eyeCentreGoesToPatchCentreAndEdgesToPatchEdges() {
    double roll = Math.toRadians(10);
    EyeGeometry.Affine a = EyeGeometry.imageToPatch(200, 120, 40, roll, false);
    assertArrayEquals(new double[] {29.5, 17.5}, a.apply(200, 120), 1e-9);
    // Half the patch width (1.5 * 40 / 2 = 30 image px) along the eye line is the patch edge.
    double x = 200 + 30 * Math.cos(roll);
    double y = 120 + 30 * Math.sin(roll);
    assertArrayEquals(new double[] {59.5, 17.5}, a.apply(x, y), 1e-9);
    // Perpendicular to it, 18 patch px = 18 image px * 40*1.5/60 below the centre.
    double d = 18 / EyeGeometry.scale(40);
    assertArrayEquals(
        new double[] {29.5, 35.5},
        a.apply(200 - d * Math.sin(roll), 120 + d * Math.cos(roll)),
        1e-9);
  }

  @Test
  void flipMirrorsAroundThePatchCentre() {
    EyeGeometry.Affine plain = EyeGeometry.imageToPatch(50, 60, 30, 0, false);
    EyeGeometry.Affine flipped = EyeGeometry.imageToPatch(50, 60, 30, 0, true);
    double[] p = plain.apply(45, 62);
    double[] f = flipped.apply(45, 62);
    assertEquals(59 - p[0], f[0], 1e-9);
    assertEquals(p[1], f[1], 1e-9);
    assertArrayEquals(new double[] {29.5, 17.5}, flipped.apply(50, 60), 1e-9);
  }

  @Test
  void inverseRoundTrips() {
    EyeGeometry.Affine a = EyeGeometry.imageToPatch(321.5, 77.25, 55, Math.toRadians(-7), true);
    EyeGeometry.Affine inv = a.inverse();
    for (double[] q : new double[][] {{0, 0}, {59, 35}, {12.3, 4.5}}) {
      double[] img = inv.apply(q[0], q[1]);
      assertArrayEquals(q, a.apply(img[0], img[1]), 1e-9);
    }
    assertThrows(IllegalArgumentException.class, () -> EyeGeometry.imageToPatch(0, 0, 0, 0, false));
  }

  @Test
  void gazeFromLandmarksRecoversTheRenderedGaze() {
    // The renderer places the iris centre at e + r * (-cos p sin y, -sin p).
    double[][] cases = {{0, 0}, {0.3, -0.5}, {-0.4, 0.6}, {0.1, 0.2}};
    for (double[] py : cases) {
      double r = 18.5;
      double ix = 30 + r * -Math.cos(py[0]) * Math.sin(py[1]);
      double iy = 17 + r * -Math.sin(py[0]);
      assertArrayEquals(py, EyeGeometry.gaze(ix, iy, 30, 17, r), 1e-9);
    }
    // Clipping: an iris beyond the radius gives +-90 degrees, not NaN.
    assertEquals(-Math.PI / 2, EyeGeometry.gaze(0, 40, 0, 0, 10)[0], 1e-12);
    // The yaw argument needs its own clip: pitch 0 and the iris 1.5 radii to the side.
    double[] side = EyeGeometry.gaze(15, 0, 0, 0, 10);
    assertEquals(0, side[0], 1e-12);
    assertEquals(-Math.PI / 2, side[1], 1e-12);
    assertEquals(Math.PI / 2, EyeGeometry.gaze(-15, 0, 0, 0, 10)[1], 1e-12);
    // Rounding can push |argument| a hair past 1: still finite.
    double[] edge = EyeGeometry.gaze(10 * (1 + 1e-15), 0, 0, 0, 10);
    assertEquals(-Math.PI / 2, edge[1], 1e-6);
  }

  @Test
  void angularErrorOfKnownGazes() {
    assertEquals(
        0, EyeGeometry.angularErrorDegrees(new double[] {0.2, 0.3}, new double[] {0.2, 0.3}), 1e-6);
    assertEquals(
        10,
        EyeGeometry.angularErrorDegrees(new double[] {0, 0}, new double[] {0, Math.toRadians(10)}),
        1e-9);
    assertEquals(
        25,
        EyeGeometry.angularErrorDegrees(new double[] {Math.toRadians(25), 0}, new double[] {0, 0}),
        1e-9);
    assertArrayEquals(new double[] {0, 0, -1}, EyeGeometry.vector(0, 0), 1e-12);
  }
}
