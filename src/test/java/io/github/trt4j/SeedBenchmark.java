package io.github.trt4j;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Latency of one inference on the seed-like model, measured, never asserted. Run on a GPU host:
 * {@code gpu.sh run io.github.trt4j.SeedBenchmark [iterations]}.
 */
public final class SeedBenchmark {

  public static void main(String[] args) throws Exception {
    int n = args.length > 0 ? Integer.parseInt(args[0]) : 2000;
    Map<String, Tensor> typed = InferenceGpuTest.seedInputs();
    Map<String, float[]> floats = new LinkedHashMap<>();
    typed.forEach((k, v) -> floats.put(k, v.toFloats()));
    try (TrtEngine e = TrtEngine.load(TestModels.engine("seed"));
        Inferer inf = e.createInferer()) {
      System.out.println(
          "device "
              + io.github.trt4j.internal.Cuda.deviceDescription(e.device())
              + ", TensorRT "
              + TrtEngine.tensorRtVersion());
      report("infer() float path", n, () -> inf.infer(floats));
      report("run() typed path  ", n, () -> inf.run(typed));
    }
  }

  static void report(String what, int n, Runnable r) {
    for (int i = 0; i < Math.min(500, n); i++) {
      r.run();
    }
    long[] ns = new long[n];
    for (int i = 0; i < n; i++) {
      long t0 = System.nanoTime();
      r.run();
      ns[i] = System.nanoTime() - t0;
    }
    Arrays.sort(ns);
    System.out.printf(
        "%s over %d runs: min %.1f us, p50 %.1f us, p90 %.1f us, p99 %.1f us%n",
        what,
        n,
        ns[0] / 1e3,
        ns[n / 2] / 1e3,
        ns[(int) (n * 0.9)] / 1e3,
        ns[(int) (n * 0.99)] / 1e3);
  }
}
