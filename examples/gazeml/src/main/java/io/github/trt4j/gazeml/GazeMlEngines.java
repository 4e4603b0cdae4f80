package io.github.trt4j.gazeml;

import io.github.trt4j.TrtEngine;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;

/**
 * The three engines of the pipeline, loaded (and built once from ONNX by {@link EngineCache}): the
 * face detector and landmark net (optional: eye-region and eye-patch runs need only ELG) and ELG.
 * The detector's engine takes one frame ([1..4,3,416,416]); the landmark engine all faces of a
 * frame ([1..maxFaces,3,112,112]; more faces run in several inferences); ELG keeps its exported
 * batch. Owns the engines; close() releases them.
 */
public final class GazeMlEngines implements AutoCloseable {

  public static final Path DETECTOR = Path.of("models", "face", "face_detector.onnx");
  public static final Path LANDMARKS = Path.of("models", "face", "face_landmarks68.onnx");
  public static final Path ELG = Path.of("models", "gazeml", "elg.onnx");

  private final TrtEngine detector;
  private final TrtEngine landmarks;
  private final TrtEngine elg;

  private GazeMlEngines(TrtEngine detector, TrtEngine landmarks, TrtEngine elg) {
    this.detector = detector;
    this.landmarks = landmarks;
    this.elg = elg;
  }

  /**
   * Loads the engines.
   *
   * @param detectorOnnx the detector's ONNX, or null to skip the face path
   * @param landmarksOnnx the landmark net's ONNX (with a detector)
   * @param elgEngine a prebuilt ELG engine, or null to use {@code elgOnnx}
   * @param elgOnnx the ELG ONNX (built once, cached next to it)
   * @param maxFaces the landmark engine's largest batch
   */
  public static GazeMlEngines open(
      EngineCache cache,
      Path detectorOnnx,
      Path landmarksOnnx,
      Path elgEngine,
      Path elgOnnx,
      int maxFaces)
      throws IOException {
    return open(cache, detectorOnnx, landmarksOnnx, elgEngine, elgOnnx, maxFaces, false);
  }

  /**
   * As {@link #open(EngineCache, Path, Path, Path, Path, int)}; with {@code parallelBuilds}, the
   * engines that are not cached yet are built at the same time, each on a thread of its own
   * (TensorRT builders are independent), before any is loaded.
   */
  public static GazeMlEngines open(
      EngineCache cache,
      Path detectorOnnx,
      Path landmarksOnnx,
      Path elgEngine,
      Path elgOnnx,
      int maxFaces,
      boolean parallelBuilds)
      throws IOException {
    if (parallelBuilds) {
      List<Callable<Path>> builds = new ArrayList<>();
      if (detectorOnnx != null) {
        builds.add(() -> cache.engine(detectorOnnx, "image", DETECTOR_INPUT, 4));
        builds.add(() -> cache.engine(landmarksOnnx, "face", LANDMARKS_INPUT, maxFaces));
      }
      if (elgEngine == null) {
        builds.add(() -> cache.engine(elgOnnx, null, null, 0));
      }
      buildAll(builds);
    }
    TrtEngine d = null;
    TrtEngine l = null;
    try {
      if (detectorOnnx != null) {
        d = cache.load(detectorOnnx, "image", DETECTOR_INPUT, 4);
        l = cache.load(landmarksOnnx, "face", LANDMARKS_INPUT, maxFaces);
      }
      TrtEngine e =
          elgEngine != null
              ? TrtEngine.load(elgEngine, cache.device())
              : cache.load(elgOnnx, null, null, 0);
      return new GazeMlEngines(d, l, e);
    } catch (IOException | RuntimeException ex) {
      if (l != null) {
        l.close();
      }
      if (d != null) {
        d.close();
      }
      throw ex;
    }
  }

  private static final long[] DETECTOR_INPUT = {1, 3, 416, 416};
  private static final long[] LANDMARKS_INPUT = {1, 3, 112, 112};

  /** Runs the builds on threads of their own and waits for all; the first failure is thrown. */
  private static void buildAll(List<Callable<Path>> builds) throws IOException {
    List<FutureTask<Path>> tasks = new ArrayList<>();
    for (int i = 0; i < builds.size(); i++) {
      FutureTask<Path> t = new FutureTask<>(builds.get(i));
      tasks.add(t);
      Thread.ofPlatform().name("trt4j-gazeml-build-" + i).start(t);
    }
    Throwable first = null;
    for (FutureTask<Path> t : tasks) {
      try {
        t.get();
      } catch (ExecutionException e) {
        first = first == null ? e.getCause() : first;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new java.io.InterruptedIOException("interrupted while building the engines");
      }
    }
    if (first instanceof IOException io) {
      throw io;
    }
    if (first instanceof RuntimeException r) {
      throw r;
    }
    if (first instanceof Error err) {
      throw err;
    }
    if (first != null) {
      throw new IOException(first);
    }
  }

  /** A pipeline over these engines (the caller closes it before these engines). */
  public GazeMlPipeline pipeline() {
    return new GazeMlPipeline(detector, landmarks, elg);
  }

  public void describe(PrintWriter out) {
    if (detector != null) {
      out.println("face detector " + detector.source() + ", landmarks " + landmarks.source());
    }
    out.println("ELG " + elg.source() + " (TensorRT " + elg.planHeader().fullVersion() + ")");
  }

  @Override
  public void close() {
    elg.close();
    if (landmarks != null) {
      landmarks.close();
    }
    if (detector != null) {
      detector.close();
    }
  }
}
