package io.github.trt4j.gazeml;

import java.util.Locale;

/**
 * Wall time per pipeline stage, summed over frames: decode (reading the image or video frame),
 * detect (detector input + engine + boxes), landmarks (crops + engine), eye preprocessing (patches,
 * equalization), ELG (the eye engine), post (mapping results back to the image). Not thread-safe.
 */
public final class Timings {
  long decodeNs;
  long detectNs;
  long landmarksNs;
  long eyePreNs;
  long elgNs;
  long postNs;
  long frames;
  long framesWithFace;
  long faces;
  long eyes;

  public long frames() {
    return frames;
  }

  public long framesWithFace() {
    return framesWithFace;
  }

  public long eyes() {
    return eyes;
  }

  /** Adds time spent decoding input (the runner measures it; the pipeline gets decoded frames). */
  public void addDecode(long ns) {
    decodeNs += ns;
  }

  /** Total of all stages, nanoseconds. */
  public long totalNs() {
    return decodeNs + detectNs + landmarksNs + eyePreNs + elgNs + postNs;
  }

  /** Per-frame milliseconds of each stage and frames per second over their sum. */
  public String summary() {
    double f = Math.max(1, frames);
    double total = totalNs() / 1e6;
    return String.format(
        Locale.ROOT,
        "%d frames (%d with a face), %d faces, %d eyes; per frame: decode %.3f ms, detect %.3f ms,"
            + " landmarks %.3f ms, eye preprocessing %.3f ms, ELG %.3f ms, post %.3f ms;"
            + " %.2f ms/frame = %.1f frames/s",
        frames,
        framesWithFace,
        faces,
        eyes,
        decodeNs / 1e6 / f,
        detectNs / 1e6 / f,
        landmarksNs / 1e6 / f,
        eyePreNs / 1e6 / f,
        elgNs / 1e6 / f,
        postNs / 1e6 / f,
        total / f,
        frames == 0 || total == 0 ? 0.0 : 1000.0 * frames / total);
  }
}
