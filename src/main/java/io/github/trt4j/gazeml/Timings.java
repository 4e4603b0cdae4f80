package io.github.trt4j.gazeml;

import java.util.Locale;

/** Wall time per pipeline stage, summed over frames. Not thread-safe. */
public final class Timings {
  long detectNs;
  long preprocessNs;
  long inferNs;
  long postprocessNs;
  long frames;
  long eyes;
  long inferences;

  public long frames() {
    return frames;
  }

  public long eyes() {
    return eyes;
  }

  /** A summary: per-frame milliseconds for each stage and frames per second. */
  public String summary() {
    double f = Math.max(1, frames);
    double total = (detectNs + preprocessNs + inferNs + postprocessNs) / 1e6;
    return String.format(Locale.ROOT,
        "%d frames, %d eyes, %d inferences; per frame: detect %.2f ms, preprocess %.2f ms,"
            + " infer %.2f ms, postprocess %.2f ms; pipeline %.1f frames/s (%.2f ms/frame)",
        frames, eyes, inferences, detectNs / 1e6 / f, preprocessNs / 1e6 / f, inferNs / 1e6 / f,
        postprocessNs / 1e6 / f, frames == 0 || total == 0 ? 0.0 : 1000.0 * frames / total, total / f);
  }
}
