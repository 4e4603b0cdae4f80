package io.github.trt4j.gazeml;

import io.github.trt4j.Tensor;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.bytedeco.opencv.global.opencv_core;
import org.bytedeco.opencv.global.opencv_imgproc;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.MatVector;
import org.bytedeco.opencv.opencv_core.Size;

/**
 * Accuracy on labelled eye patches, through the runner's own patch path: mean landmark error in
 * patch pixels, mean relative radius error, mean angular gaze error.
 */
final class Evaluation {

  /** The figures of one evaluation. */
  record Metrics(
      int eyes,
      double landmarkPx,
      double eyelidPx,
      double irisPx,
      double radiusRel,
      double gazeDeg,
      double gazeMedianDeg) {
    String json() {
      return String.format(
          Locale.ROOT,
          "{\"eyes\":%d,\"landmark_error_px\":%.4f,\"eyelid_error_px\":%.4f,\"iris_error_px\":%.4f,"
              + "\"radius_error_rel\":%.4f,\"gaze_error_deg\":%.4f,\"gaze_error_median_deg\":%.4f}",
          eyes,
          landmarkPx,
          eyelidPx,
          irisPx,
          radiusRel,
          gazeDeg,
          gazeMedianDeg);
    }
  }

  private Evaluation() {}

  static Metrics run(GazeMlPipeline pipeline, Path npzFile, Path outDir, PrintWriter out)
      throws IOException {
    Map<String, Tensor> npz = io.github.trt4j.Npy.readNpz(npzFile);
    Tensor eyes = GazeMlOutput.entry(npz, "eyes", npzFile);
    float[] lms = GazeMlOutput.entry(npz, "landmarks", npzFile).toFloats();
    float[] radius = GazeMlOutput.entry(npz, "radius", npzFile).toFloats();
    float[] gaze = GazeMlOutput.entry(npz, "gaze", npzFile).toFloats();
    long[] d = eyes.shape().dims();
    if (d.length != 3
        || d[1] != EyeGeometry.PATCH_H
        || d[2] != EyeGeometry.PATCH_W
        || eyes.dataType() != io.github.trt4j.DataType.UINT8) {
      throw new IOException(npzFile + ": 'eyes' must be [N,36,60] uint8; got " + eyes.shape());
    }
    int n = (int) d[0];
    int plane = EyeGeometry.PATCH_H * EyeGeometry.PATCH_W;
    byte[] px = eyes.bytes();
    List<EyeResult> results = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      Mat m =
          GazeMlOutput.grayMat(
              Arrays.copyOfRange(px, i * plane, (i + 1) * plane),
              EyeGeometry.PATCH_H,
              EyeGeometry.PATCH_W);
      try {
        results.addAll(pipeline.processPatches(List.of(m), i));
      } finally {
        m.close();
      }
    }
    Metrics metrics = metrics(results, lms, radius, gaze);
    Files.writeString(outDir.resolve("heldout-metrics.json"), metrics.json() + "\n");
    out.printf(
        Locale.ROOT,
        "held-out %s: %d eyes, landmarks %.3f px (eyelid %.3f, iris %.3f),"
            + " radius %.2f%%, gaze %.2f deg (median %.2f)%n",
        npzFile,
        n,
        metrics.landmarkPx,
        metrics.eyelidPx,
        metrics.irisPx,
        100 * metrics.radiusRel,
        metrics.gazeDeg,
        metrics.gazeMedianDeg);
    montage(px, results, outDir.resolve("heldout.png"));
    return metrics;
  }

  static Metrics metrics(List<EyeResult> results, float[] lms, float[] radius, float[] gaze) {
    int n = results.size();
    double all = 0;
    double lid = 0;
    double iris = 0;
    double rad = 0;
    double[] g = new double[n];
    for (int i = 0; i < n; i++) {
      double[] p = results.get(i).landmarks();
      for (int j = 0; j < ModelAdapter.LANDMARKS; j++) {
        double e =
            Math.hypot(p[2 * j] - lms[i * 36 + 2 * j], p[2 * j + 1] - lms[i * 36 + 2 * j + 1]);
        all += e;
        if (j < 8) {
          lid += e;
        } else if (j < 16) {
          iris += e;
        }
      }
      rad += Math.abs(results.get(i).radius() - radius[i]) / radius[i];
      g[i] =
          EyeGeometry.angularErrorDegrees(
              new double[] {
                Math.toRadians(results.get(i).pitch()), Math.toRadians(results.get(i).yaw())
              },
              new double[] {gaze[2 * i], gaze[2 * i + 1]});
    }
    double gm = Arrays.stream(g).average().orElse(Double.NaN);
    double[] sorted = g.clone();
    Arrays.sort(sorted);
    return new Metrics(
        n,
        all / (18.0 * n),
        lid / (8.0 * n),
        iris / (8.0 * n),
        rad / n,
        gm,
        n == 0 ? Double.NaN : sorted[n / 2]);
  }

  /** A result with image coordinates scaled by {@code k} (pixel centres kept at integers). */
  static EyeResult scaled(EyeResult r, int k) {
    double[] l = r.landmarks().clone();
    for (int i = 0; i < l.length; i++) {
      l[i] = (l[i] + 0.5) * k - 0.5;
    }
    double[] b = r.box().clone();
    for (int i = 0; i < 4; i++) {
      b[i] *= k;
    }
    return new EyeResult(
        r.frame(),
        r.eye(),
        r.source(),
        b,
        l,
        r.radius() * k,
        r.pitch(),
        r.yaw(),
        r.confidence(),
        r.roll());
  }

  /** The first 12 eyes, 4x enlarged and annotated, in a 3x4 grid. */
  static void montage(byte[] px, List<EyeResult> results, Path file) throws IOException {
    int k = 4;
    int plane = EyeGeometry.PATCH_H * EyeGeometry.PATCH_W;
    int count = Math.min(12, results.size());
    if (count == 0) {
      return;
    }
    List<Mat> tiles = new ArrayList<>();
    try (MatVector rows = new MatVector()) {
      for (int i = 0; i < count; i++) {
        Mat g =
            GazeMlOutput.grayMat(
                Arrays.copyOfRange(px, i * plane, (i + 1) * plane),
                EyeGeometry.PATCH_H,
                EyeGeometry.PATCH_W);
        Mat big = new Mat();
        Mat color = new Mat();
        try (Size size = new Size(EyeGeometry.PATCH_W * k, EyeGeometry.PATCH_H * k)) {
          opencv_imgproc.resize(g, big, size, 0, 0, opencv_imgproc.INTER_NEAREST);
        }
        opencv_imgproc.cvtColor(big, color, opencv_imgproc.COLOR_GRAY2BGR);
        Annotator.draw(color, scaled(results.get(i), k));
        tiles.add(color);
        g.close();
        big.close();
      }
      int perRow = 4;
      for (int r = 0; r * perRow < count; r++) {
        try (MatVector row = new MatVector()) {
          for (int c = 0; c < perRow; c++) {
            int i = r * perRow + c;
            row.push_back(
                i < count
                    ? tiles.get(i)
                    : new Mat(
                        tiles.get(0).size(),
                        tiles.get(0).type(),
                        new org.bytedeco.opencv.opencv_core.Scalar(0.0)));
          }
          Mat joined = new Mat();
          opencv_core.hconcat(row, joined);
          rows.push_back(joined);
        }
      }
      try (Mat grid = new Mat()) {
        opencv_core.vconcat(rows, grid);
        GazeMlOutput.write(file, grid);
      }
    } finally {
      tiles.forEach(Mat::close);
    }
  }
}
