package io.github.trt4j.gazeml;

/**
 * The geometry of GazeML's eye patches and gaze, in plain Java (no OpenCV).
 *
 * <p>Coordinates are pixels with pixel centres at integers, x to the right and y down, as OpenCV's
 * {@code warpAffine} uses them. A patch is {@link #PATCH_W}×{@link #PATCH_H}: the eye centre maps
 * to the patch centre, the patch spans {@link #PATCH_SCALE} times the eye width, and the image is
 * rotated so that the line through both eyes is horizontal (the roll is undone). The image-left eye
 * is flipped horizontally so that both eyes look like the one the model was trained on.
 */
public final class EyeGeometry {

  public static final int PATCH_W = 60;
  public static final int PATCH_H = 36;

  /** The patch is this many eye widths wide (GazeML's 1.5). */
  public static final double PATCH_SCALE = 1.5;

  private EyeGeometry() {}

  /**
   * An affine map {@code [a b c; d e f]}: {@code x' = a x + b y + c}, {@code y' = d x + e y + f}.
   *
   * @param m the six coefficients, row-major
   */
  public record Affine(double[] m) {
    public Affine {
      if (m.length != 6) {
        throw new IllegalArgumentException("An affine map has 6 coefficients; got " + m.length);
      }
      m = m.clone();
    }

    @Override
    public double[] m() {
      return m.clone();
    }

    public double[] apply(double x, double y) {
      return new double[] {m[0] * x + m[1] * y + m[2], m[3] * x + m[4] * y + m[5]};
    }

    public Affine inverse() {
      double det = m[0] * m[4] - m[1] * m[3];
      if (Math.abs(det) < 1e-12) {
        throw new IllegalStateException("Affine map is singular");
      }
      double a = m[4] / det;
      double b = -m[1] / det;
      double d = -m[3] / det;
      double e = m[0] / det;
      return new Affine(new double[] {a, b, -(a * m[2] + b * m[5]), d, e, -(d * m[2] + e * m[5])});
    }

    /** This map, then {@code next}. */
    public Affine then(Affine next) {
      double[] n = next.m;
      return new Affine(
          new double[] {
            n[0] * m[0] + n[1] * m[3], n[0] * m[1] + n[1] * m[4], n[0] * m[2] + n[1] * m[5] + n[2],
            n[3] * m[0] + n[4] * m[3], n[3] * m[1] + n[4] * m[4], n[3] * m[2] + n[4] * m[5] + n[5]
          });
    }
  }

  /**
   * The map from image pixels to patch pixels for one eye.
   *
   * @param cx eye centre x in the image
   * @param cy eye centre y in the image
   * @param eyeWidth eye width (corner to corner) in image pixels
   * @param roll angle of the line through both eyes, radians (atan2(dy, dx) in image axes)
   * @param flip whether to mirror the patch horizontally (for the image-left eye)
   */
  public static Affine imageToPatch(
      double cx, double cy, double eyeWidth, double roll, boolean flip) {
    if (!(eyeWidth > 0)) {
      throw new IllegalArgumentException("eye width must be > 0; got " + eyeWidth);
    }
    double s = PATCH_W / (PATCH_SCALE * eyeWidth);
    double cos = Math.cos(-roll) * s;
    double sin = Math.sin(-roll) * s;
    double px = (PATCH_W - 1) / 2.0;
    double py = (PATCH_H - 1) / 2.0;
    Affine a =
        new Affine(
            new double[] {
              cos, -sin, px - (cos * cx - sin * cy),
              sin, cos, py - (sin * cx + cos * cy)
            });
    return flip ? a.then(flipX()) : a;
  }

  /** Mirrors patch x: {@code x' = PATCH_W - 1 - x}. Its own inverse. */
  public static Affine flipX() {
    return new Affine(new double[] {-1, 0, PATCH_W - 1, 0, 1, 0});
  }

  /** Patch pixels per image pixel for a patch of {@code eyeWidth}. */
  public static double scale(double eyeWidth) {
    return PATCH_W / (PATCH_SCALE * eyeWidth);
  }

  /**
   * Gaze (pitch, yaw) in radians from the iris centre, the eyeball centre and the eyeball radius,
   * as GazeML's demo computes it: {@code pitch = -asin((iy - ey) / r)}, {@code yaw = asin((ix - ex)
   * / (-r cos(pitch)))}, both arguments clipped to [-1, 1].
   */
  public static double[] gaze(double ix, double iy, double ex, double ey, double radius) {
    double pitch = -Math.asin(clip((iy - ey) / radius));
    double yaw = Math.asin(clip((ix - ex) / (radius * -Math.cos(pitch))));
    return new double[] {pitch, yaw};
  }

  /** The 3-D unit gaze vector of (pitch, yaw): {@code (-cos p sin y, -sin p, -cos p cos y)}. */
  public static double[] vector(double pitch, double yaw) {
    return new double[] {
      -Math.cos(pitch) * Math.sin(yaw), -Math.sin(pitch), -Math.cos(pitch) * Math.cos(yaw)
    };
  }

  /** Angle between two gazes, degrees. */
  public static double angularErrorDegrees(double[] pitchYawA, double[] pitchYawB) {
    double[] a = vector(pitchYawA[0], pitchYawA[1]);
    double[] b = vector(pitchYawB[0], pitchYawB[1]);
    double dot = a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
    return Math.toDegrees(Math.acos(clip(dot)));
  }

  private static double clip(double v) {
    return Math.max(-1, Math.min(1, v));
  }
}
