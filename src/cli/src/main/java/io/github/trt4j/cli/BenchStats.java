package io.github.trt4j.cli;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Per-iteration timings of a benchmark and trtexec's summary of them: throughput, then min, max,
 * mean, median and the asked percentiles of each series, in milliseconds. Pure Java.
 */
final class BenchStats {

  /** One series of per-iteration values in milliseconds; negative values (not measured) dropped. */
  record Series(String label, double[] ms) {
    Series {
      ms = Arrays.stream(ms).filter(v -> v >= 0).sorted().toArray();
    }

    boolean isEmpty() {
      return ms.length == 0;
    }

    double min() {
      return ms[0];
    }

    double max() {
      return ms[ms.length - 1];
    }

    double mean() {
      return Arrays.stream(ms).average().orElse(Double.NaN);
    }

    double sum() {
      return Arrays.stream(ms).sum();
    }

    /** Nearest-rank percentile (p in (0, 100]); the median is percentile 50. */
    double percentile(double p) {
      int rank = (int) Math.ceil(p / 100.0 * ms.length);
      return ms[Math.max(0, Math.min(ms.length - 1, rank - 1))];
    }

    String line(List<Double> percentiles) {
      if (isEmpty()) {
        return label + ": not measured";
      }
      StringBuilder b =
          new StringBuilder(
              String.format(
                  Locale.ROOT,
                  "%s: min = %.5f ms, max = %.5f ms, mean = %.5f ms, median = %.5f ms",
                  label,
                  min(),
                  max(),
                  mean(),
                  percentile(50)));
      for (double p : percentiles) {
        b.append(
            String.format(Locale.ROOT, ", percentile(%s%%) = %.5f ms", trim(p), percentile(p)));
      }
      return b.toString();
    }
  }

  static String trim(double p) {
    return p == Math.rint(p) ? Long.toString((long) p) : Double.toString(p);
  }

  /** Parses trtexec's {@code --percentile} list, e.g. {@code 90,95,99}. */
  static List<Double> parsePercentiles(String text) {
    List<Double> out = new java.util.ArrayList<>();
    for (String part : text.split(",")) {
      double p;
      try {
        p = Double.parseDouble(part.trim());
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("--percentile '" + part + "' is not a number");
      }
      if (!(p > 0 && p <= 100)) {
        throw new IllegalArgumentException("--percentile " + part + " is outside (0, 100]");
      }
      out.add(p);
    }
    return out;
  }

  /** trtexec's performance summary for {@code queries} runs over {@code wallSeconds}. */
  static String summary(
      long queries,
      double wallSeconds,
      Series latency,
      Series enqueue,
      Series h2d,
      Series compute,
      Series d2h,
      List<Double> percentiles) {
    StringBuilder b = new StringBuilder();
    b.append("=== Performance summary ===\n");
    b.append(String.format(Locale.ROOT, "Throughput: %.2f qps%n", queries / wallSeconds));
    for (Series s : List.of(latency, enqueue, h2d, compute, d2h)) {
      b.append(s.line(percentiles)).append('\n');
    }
    b.append(String.format(Locale.ROOT, "Total Host Walltime: %.5f s%n", wallSeconds));
    b.append(String.format(Locale.ROOT, "Total GPU Compute Time: %.5f s%n", compute.sum() / 1000));
    return b.toString();
  }
}
