package io.github.trt4j.gazeml;

import io.github.trt4j.Inferer;
import io.github.trt4j.Runner;
import io.github.trt4j.Tensor;
import io.github.trt4j.TrtEngine;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.bytedeco.opencv.opencv_core.Mat;

/**
 * GazeML's ELG eye model on a TensorRT engine: 60×36 patches in, 18 eye landmarks, eyeball radius
 * and gaze out, as many eyes per inference as the engine's batch ({@link ModelAdapter}). Owns its
 * {@link Runner} (an {@link Inferer} of the engine, not the engine); not thread-safe; close()
 * releases it. The one place that runs ELG.
 */
public final class EyeModel implements AutoCloseable {

  private static final int PLANE = EyeGeometry.PATCH_W * EyeGeometry.PATCH_H;

  /**
   * One eye to run: its 8-bit 36×60 patch (owned by the job's creator), how it maps back to the
   * image, and what to call it.
   */
  public record Job(
      Mat patch,
      EyeGeometry.Affine toPatch,
      boolean flipped,
      String eye,
      String source,
      double roll) {}

  private final ModelAdapter adapter;
  private final Runner inferer;

  /**
   * @throws IllegalArgumentException when the engine cannot be driven as an ELG model
   */
  public EyeModel(TrtEngine engine) {
    this.adapter = ModelAdapter.of(engine.tensors());
    this.inferer = engine.createInferer();
  }

  /** Over any runner of an ELG model (owned from here on). */
  public EyeModel(Runner runner) {
    this.adapter = ModelAdapter.of(runner.model().tensors());
    this.inferer = runner;
  }

  public ModelAdapter adapter() {
    return adapter;
  }

  /**
   * Every job's result, in order. {@code stageNs[0]} accumulates the equalize/normalize time,
   * {@code stageNs[1]} the inference time, {@code stageNs[2]} the mapping back to the image.
   */
  public List<EyeResult> run(List<Job> jobs, long frameIndex, long[] stageNs) {
    List<EyeResult> results = new ArrayList<>(jobs.size());
    int batch = adapter.batch();
    for (int start = 0; start < jobs.size(); start += batch) {
      long t0 = System.nanoTime();
      int n = Math.min(batch, jobs.size() - start);
      float[] input = new float[batch * PLANE];
      for (int k = 0; k < n; k++) {
        EyePatcher.normalize(jobs.get(start + k).patch(), input, k * PLANE);
      }
      long t1 = System.nanoTime();
      Map<String, Tensor> out = inferer.run(adapter.inputs(input, frameIndex));
      long t2 = System.nanoTime();
      for (int k = 0; k < n; k++) {
        results.add(toResult(jobs.get(start + k), out, k, frameIndex));
      }
      stageNs[0] += t1 - t0;
      stageNs[1] += t2 - t1;
      stageNs[2] += System.nanoTime() - t2;
    }
    return results;
  }

  private EyeResult toResult(Job job, Map<String, Tensor> out, int k, long frameIndex) {
    float[] p = adapter.landmarks(out, k);
    double rPatch = adapter.radius(out, k);
    EyeGeometry.Affine back = job.toPatch().inverse();
    double[] image = new double[p.length];
    double[] unflipped = new double[p.length];
    for (int i = 0; i < p.length / 2; i++) {
      double[] q = back.apply(p[2 * i], p[2 * i + 1]);
      image[2 * i] = q[0];
      image[2 * i + 1] = q[1];
      unflipped[2 * i] = job.flipped() ? EyeGeometry.PATCH_W - 1 - p[2 * i] : p[2 * i];
      unflipped[2 * i + 1] = p[2 * i + 1];
    }
    double minX = Double.MAX_VALUE;
    double minY = Double.MAX_VALUE;
    double maxX = -Double.MAX_VALUE;
    double maxY = -Double.MAX_VALUE;
    for (double[] corner :
        new double[][] {
          {-0.5, -0.5},
          {EyeGeometry.PATCH_W - 0.5, -0.5},
          {-0.5, EyeGeometry.PATCH_H - 0.5},
          {EyeGeometry.PATCH_W - 0.5, EyeGeometry.PATCH_H - 0.5}
        }) {
      double[] q = back.apply(corner[0], corner[1]);
      minX = Math.min(minX, q[0]);
      minY = Math.min(minY, q[1]);
      maxX = Math.max(maxX, q[0]);
      maxY = Math.max(maxY, q[1]);
    }
    double[] gaze =
        EyeGeometry.gaze(unflipped[32], unflipped[33], unflipped[34], unflipped[35], rPatch);
    double scaleX = Math.hypot(job.toPatch().m()[0], job.toPatch().m()[3]);
    return new EyeResult(
        frameIndex,
        job.eye(),
        job.source(),
        new double[] {minX, minY, maxX - minX, maxY - minY},
        image,
        rPatch / scaleX,
        Math.toDegrees(gaze[0]),
        Math.toDegrees(gaze[1]),
        adapter.confidence(out, k),
        job.roll());
  }

  /**
   * Patch-space inference on normalized input (for evaluation): per eye, 36 landmark values +
   * radius.
   */
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
  }
}
