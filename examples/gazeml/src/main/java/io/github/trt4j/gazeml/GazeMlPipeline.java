package io.github.trt4j.gazeml;

import static org.bytedeco.opencv.global.opencv_imgproc.COLOR_BGR2GRAY;

import io.github.trt4j.TrtEngine;
import java.util.ArrayList;
import java.util.List;
import org.bytedeco.opencv.global.opencv_imgproc;
import org.bytedeco.opencv.opencv_core.Mat;

/**
 * GazeML's pipeline on three engines: faces ({@link FaceDetector}) → 68 landmarks for all faces in
 * one batch ({@link LandmarkModel}) → one 60×36 patch per eye from the eye-corner landmarks ({@link
 * EyePlacement}, {@link EyePatcher}) → all eyes of the frame through ELG ({@link EyeModel}) →
 * landmarks, radius and gaze in image pixels. Also an eye-region mode (no face needed) and
 * already-cropped eye patches.
 *
 * <p>Owns the three model wrappers (not the engines); not thread-safe; close() releases them.
 */
public final class GazeMlPipeline implements AutoCloseable {

  private final FaceDetector detector;
  private final LandmarkModel landmarks;
  private final EyeModel eyes;
  private final Timings timings = new Timings();
  private final long[] eyeNs = new long[3];

  /**
   * @param detector a face detector engine, or null when only eye regions and patches are run
   * @param landmarks a landmark engine (needed with a detector)
   * @param elg an ELG engine
   * @throws IllegalArgumentException when an engine's bindings do not fit its role
   */
  public GazeMlPipeline(TrtEngine detector, TrtEngine landmarks, TrtEngine elg) {
    if ((detector == null) != (landmarks == null)) {
      throw new IllegalArgumentException(
          "the face path needs both the detector and the landmark engine");
    }
    FaceDetector d = null;
    LandmarkModel l = null;
    try {
      d = detector == null ? null : new FaceDetector(detector);
      l = landmarks == null ? null : new LandmarkModel(landmarks);
      this.eyes = new EyeModel(elg);
    } catch (RuntimeException e) {
      if (d != null) {
        d.close();
      }
      if (l != null) {
        l.close();
      }
      throw e;
    }
    this.detector = d;
    this.landmarks = l;
  }

  /**
   * Over the three model wrappers (owned from here on; detector and landmarks both null for
   * eye-region and eye-patch runs).
   */
  public GazeMlPipeline(FaceDetector detector, LandmarkModel landmarks, EyeModel eyes) {
    if ((detector == null) != (landmarks == null)) {
      throw new IllegalArgumentException(
          "the face path needs both the detector and the landmark model");
    }
    this.detector = detector;
    this.landmarks = landmarks;
    this.eyes = java.util.Objects.requireNonNull(eyes, "eyes");
  }

  public EyeModel eyeModel() {
    return eyes;
  }

  public boolean hasFacePath() {
    return detector != null;
  }

  public Timings timings() {
    return timings;
  }

  /** Faces, landmarks and eyes of an 8-bit BGR frame (see {@link Frames#toBgr8}). */
  public FrameResult processFrame(Mat bgr, long frame) {
    if (detector == null) {
      throw new IllegalStateException(
          "no face detector: open the pipeline with the face engines,"
              + " or use the eye-region or eye-patch mode");
    }
    long t0 = System.nanoTime();
    List<Face> found = detector.detect(bgr);
    long t1 = System.nanoTime();
    timings.detectNs += t1 - t0;
    List<Face> faces = found.isEmpty() ? found : landmarks.landmarks(bgr, found);
    timings.landmarksNs += System.nanoTime() - t1;
    List<EyePlacement.Eye> placed = new ArrayList<>();
    for (int i = 0; i < faces.size(); i++) {
      placed.addAll(EyePlacement.fromLandmarks(faces.get(i).landmarks(), i));
    }
    String nothing =
        found.isEmpty()
            ? "face detector"
            : faces.isEmpty() ? "landmarks" : placed.isEmpty() ? "eye placement" : null;
    timings.frames++;
    timings.faces += faces.size();
    timings.framesWithFace += faces.isEmpty() ? 0 : 1;
    return new FrameResult(
        frame, bgr.cols(), bgr.rows(), faces, runEyes(bgr, placed, "landmarks", frame), nothing);
  }

  /**
   * An image showing both eyes and little else (no face needed): see {@link
   * EyePlacement#eyeRegion}.
   */
  public FrameResult processEyeRegion(Mat bgr, long frame) {
    List<EyePlacement.Eye> placed = EyePlacement.eyeRegion(bgr.cols(), bgr.rows());
    timings.frames++;
    return new FrameResult(
        frame,
        bgr.cols(),
        bgr.rows(),
        List.of(),
        runEyes(bgr, placed, "eye region", frame),
        placed.isEmpty() ? "eye placement" : null);
  }

  /** Already-cropped 8-bit grey eye images (any size; resized to 60×36, not mirrored). */
  public List<EyeResult> processPatches(List<Mat> gray, long frame) {
    long t0 = System.nanoTime();
    List<EyeModel.Job> jobs = new ArrayList<>();
    for (Mat m : gray) {
      Mat patch = EyePatcher.resizeToPatch(m);
      double sx = (double) EyeGeometry.PATCH_W / m.cols();
      double sy = (double) EyeGeometry.PATCH_H / m.rows();
      EyeGeometry.Affine toPatch =
          new EyeGeometry.Affine(new double[] {sx, 0, 0.5 * sx - 0.5, 0, sy, 0.5 * sy - 0.5});
      jobs.add(new EyeModel.Job(patch, toPatch, false, "patch", "patch", 0));
    }
    timings.eyePreNs += System.nanoTime() - t0;
    timings.frames++;
    return runJobs(jobs, frame);
  }

  private List<EyeResult> runEyes(
      Mat bgr, List<EyePlacement.Eye> placed, String source, long frame) {
    if (placed.isEmpty()) {
      return List.of();
    }
    long t0 = System.nanoTime();
    List<EyeModel.Job> jobs = new ArrayList<>(placed.size());
    try (Mat gray = new Mat()) {
      opencv_imgproc.cvtColor(bgr, gray, COLOR_BGR2GRAY);
      for (EyePlacement.Eye e : placed) {
        EyeGeometry.Affine a = e.toPatch();
        jobs.add(new EyeModel.Job(EyePatcher.cut(gray, a), a, e.flip(), e.eye(), source, e.roll()));
      }
    }
    timings.eyePreNs += System.nanoTime() - t0;
    return runJobs(jobs, frame);
  }

  private List<EyeResult> runJobs(List<EyeModel.Job> jobs, long frame) {
    eyeNs[0] = 0;
    eyeNs[1] = 0;
    eyeNs[2] = 0;
    try {
      List<EyeResult> res = eyes.run(jobs, frame, eyeNs);
      timings.eyes += res.size();
      return res;
    } finally {
      jobs.forEach(j -> j.patch().close());
      timings.eyePreNs += eyeNs[0];
      timings.elgNs += eyeNs[1];
      timings.postNs += eyeNs[2];
    }
  }

  @Override
  public void close() {
    eyes.close();
    if (landmarks != null) {
      landmarks.close();
    }
    if (detector != null) {
      detector.close();
    }
  }
}
