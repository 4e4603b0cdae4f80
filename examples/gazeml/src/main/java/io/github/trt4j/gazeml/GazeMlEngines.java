package io.github.trt4j.gazeml;

import io.github.trt4j.TrtEngine;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;

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
    TrtEngine d = null;
    TrtEngine l = null;
    try {
      if (detectorOnnx != null) {
        d = cache.load(detectorOnnx, "image", new long[] {1, 3, 416, 416}, 4);
        l = cache.load(landmarksOnnx, "face", new long[] {1, 3, 112, 112}, maxFaces);
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
