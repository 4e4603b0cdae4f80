package io.github.trt4j.gazeml;

import static org.bytedeco.opencv.global.opencv_imgproc.COLOR_BGR2GRAY;

import io.github.trt4j.Inferer;
import io.github.trt4j.Tensor;
import io.github.trt4j.TrtEngine;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.bytedeco.opencv.global.opencv_imgproc;
import org.bytedeco.opencv.opencv_core.Mat;

/**
 * GazeML's eye pipeline on one engine: detect → eye patches → {@link Inferer} → landmarks back in
 * image pixels → gaze. Owns the Inferer and the detector (not the engine); not thread-safe;
 * close() releases both.
 */
public final class GazeMlPipeline implements AutoCloseable {

  private static final int PLANE = EyeGeometry.PATCH_W * EyeGeometry.PATCH_H;

  private final ModelAdapter adapter;
  private final Inferer inferer;
  private FaceEyeDetector detector;
  private final Timings timings = new Timings();

  public GazeMlPipeline(TrtEngine engine) {
    this.adapter = ModelAdapter.of(engine.tensors());
    this.inferer = engine.createInferer();
  }

  public ModelAdapter adapter() {
    return adapter;
  }

  public Timings timings() {
    return timings;
  }

  /** One eye to run: its patch (8-bit, 36×60), and how it maps back to the image. */
  private record Job(Mat patch, EyeGeometry.Affine toPatch, boolean flipped, double eyeWidth,
      String eye, String source, double roll) {}

  /** Every eye of every face in a BGR (or grey) frame. */
  public List<EyeResult> processFrame(Mat frame, long frameIndex) throws IOException {
    long t0 = System.nanoTime();
    Mat gray = new Mat();
    if (frame.channels() == 1) {
      frame.copyTo(gray);
    } else {
      opencv_imgproc.cvtColor(frame, gray, COLOR_BGR2GRAY);
    }
    if (detector == null) {
      detector = new FaceEyeDetector();
    }
    List<FaceEyeDetector.EyePair> pairs = detector.detect(gray);
    long t1 = System.nanoTime();
    timings.detectNs += t1 - t0;
    List<Job> jobs = new ArrayList<>();
    for (FaceEyeDetector.EyePair p : pairs) {
      double roll = p.roll();
      for (int side = 0; side < 2; side++) {
        FaceEyeDetector.Eye e = side == 0 ? p.left() : p.right();
        boolean flip = side == 0;
        EyeGeometry.Affine a = EyeGeometry.imageToPatch(e.cx(), e.cy(), e.width(), roll, flip);
        jobs.add(new Job(EyePatcher.cut(gray, a), a, flip, e.width(),
            side == 0 ? "left" : "right", p.source(), roll));
      }
    }
    gray.close();
    timings.preprocessNs += System.nanoTime() - t1;
    timings.frames++;
    return run(jobs, frameIndex);
  }

  /** Already-cropped grey eye images (any size; resized to 60×36, not flipped). */
  public List<EyeResult> processPatches(List<Mat> eyes, long frameIndex) {
    long t0 = System.nanoTime();
    List<Job> jobs = new ArrayList<>();
    for (Mat m : eyes) {
      Mat patch = EyePatcher.resizeToPatch(m);
      double w = m.cols() / EyeGeometry.PATCH_SCALE;
      double sx = (double) EyeGeometry.PATCH_W / m.cols();
      double sy = (double) EyeGeometry.PATCH_H / m.rows();
      EyeGeometry.Affine toPatch = new EyeGeometry.Affine(new double[] {
        sx, 0, 0.5 * sx - 0.5, 0, sy, 0.5 * sy - 0.5});
      jobs.add(new Job(patch, toPatch, false, w, "patch", "patch", 0));
    }
    timings.preprocessNs += System.nanoTime() - t0;
    timings.frames++;
    return run(jobs, frameIndex);
  }

  private List<EyeResult> run(List<Job> jobs, long frameIndex) {
    List<EyeResult> results = new ArrayList<>();
    int batch = adapter.batch();
    for (int start = 0; start < jobs.size(); start += batch) {
      long t0 = System.nanoTime();
      int n = Math.min(batch, jobs.size() - start);
      float[] input = new float[batch * PLANE];
      for (int k = 0; k < n; k++) {
        EyePatcher.normalize(jobs.get(start + k).patch, input, k * PLANE);
      }
      long t1 = System.nanoTime();
      Map<String, Tensor> out = inferer.run(adapter.inputs(input, frameIndex));
      long t2 = System.nanoTime();
      for (int k = 0; k < n; k++) {
        results.add(toResult(jobs.get(start + k), out, k, frameIndex));
      }
      timings.preprocessNs += t1 - t0;
      timings.inferNs += t2 - t1;
      timings.postprocessNs += System.nanoTime() - t2;
      timings.inferences++;
    }
    for (Job j : jobs) {
      j.patch.close();
    }
    timings.eyes += jobs.size();
    return results;
  }

  private EyeResult toResult(Job job, Map<String, Tensor> out, int k, long frameIndex) {
    float[] p = adapter.landmarks(out, k);
    double rPatch = adapter.radius(out, k);
    EyeGeometry.Affine back = job.toPatch.inverse();
    double[] image = new double[p.length];
    double[] unflipped = new double[p.length];
    double minX = Double.MAX_VALUE;
    double minY = Double.MAX_VALUE;
    double maxX = -Double.MAX_VALUE;
    double maxY = -Double.MAX_VALUE;
    for (int i = 0; i < p.length / 2; i++) {
      double[] q = back.apply(p[2 * i], p[2 * i + 1]);
      image[2 * i] = q[0];
      image[2 * i + 1] = q[1];
      unflipped[2 * i] = job.flipped ? EyeGeometry.PATCH_W - 1 - p[2 * i] : p[2 * i];
      unflipped[2 * i + 1] = p[2 * i + 1];
    }
    for (double[] corner : new double[][] {{-0.5, -0.5}, {EyeGeometry.PATCH_W - 0.5, -0.5},
        {-0.5, EyeGeometry.PATCH_H - 0.5}, {EyeGeometry.PATCH_W - 0.5, EyeGeometry.PATCH_H - 0.5}}) {
      double[] q = back.apply(corner[0], corner[1]);
      minX = Math.min(minX, q[0]);
      minY = Math.min(minY, q[1]);
      maxX = Math.max(maxX, q[0]);
      maxY = Math.max(maxY, q[1]);
    }
    double[] gaze = EyeGeometry.gaze(unflipped[32], unflipped[33], unflipped[34], unflipped[35], rPatch);
    double scaleX = Math.hypot(job.toPatch.m()[0], job.toPatch.m()[3]);
    return new EyeResult(frameIndex, job.eye, job.source,
        new double[] {minX, minY, maxX - minX, maxY - minY}, image, rPatch / scaleX,
        Math.toDegrees(gaze[0]), Math.toDegrees(gaze[1]), adapter.confidence(out, k), job.roll);
  }

  /** Runs patch-space inference on normalized input directly (for evaluation): landmarks, radius. */
  public float[][] inferNormalized(float[] input, int count) {
    int batch = adapter.batch();
    float[][] res = new float[count][];
    for (int start = 0; start < count; start += batch) {
      int n = Math.min(batch, count - start);
      float[] chunk = new float[batch * PLANE];
      System.arraycopy(input, start * PLANE, chunk, 0, n * PLANE);
      Map<String, Tensor> out = inferer.run(adapter.inputs(chunk, start));
      for (int k = 0; k < n; k++) {
        float[] l = adapter.landmarks(out, k);
        float[] r = new float[l.length + 1];
        System.arraycopy(l, 0, r, 0, l.length);
        r[l.length] = adapter.radius(out, k);
        res[start + k] = r;
      }
    }
    return res;
  }

  @Override
  public void close() {
    inferer.close();
    if (detector != null) {
      detector.close();
    }
  }
}
