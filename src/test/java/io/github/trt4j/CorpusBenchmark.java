package io.github.trt4j;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Per-call latency of a corpus plan on the binding path (and on {@code run(Map)}), the Java side of
 * {@code scripts/gpu/corpus.sh}'s table: like {@link FastPathBenchmark}'s pinned and map modes
 * (same warm-up, same printed line), but it loads plans that need TensorRT's standard plugins and
 * feeds a corpus case's inputs, so that the data-dependent outputs of a NonMaxSuppression plan have
 * their real sizes. Measured, never asserted.
 *
 * <pre>
 * gpu.sh run io.github.trt4j.CorpusBenchmark PLAN [ITERS=2000] [std|-] [CASE.in.npz] [MODES=pinned,map]
 * </pre>
 *
 * Without a case, dynamic inputs take profile 0's opt shape (as {@code gpu.sh cpp-ref} does) and
 * hold zeros.
 */
public final class CorpusBenchmark {

  private CorpusBenchmark() {}

  public static void main(String[] args) throws Exception {
    Path plan = Path.of(args[0]);
    int iters = args.length > 1 ? Integer.parseInt(args[1]) : 2000;
    boolean std = args.length > 2 && args[2].equals("std");
    Path npz = args.length > 3 && !args[3].equals("-") ? Path.of(args[3]) : null;
    List<String> modes = List.of((args.length > 4 ? args[4] : "pinned,map").split(","));
    String name = plan.getFileName().toString();
    try (TrtEngine e = TrtEngine.load(plan, LoadOptions.defaults().standardPlugins(std));
        Inferer inf = e.createInferer();
        IoBinding b = inf.createBinding()) {
      Map<String, Tensor> in = new LinkedHashMap<>();
      if (npz != null) {
        Map<String, Tensor> raw = Npy.readNpz(npz);
        for (TensorSpec s : e.inputs()) {
          Tensor t = CorpusGpuTest.coerce(raw.get(s.name()), s.dataType());
          in.put(s.name(), t);
          if (s.shape().isDynamic()) {
            b.shape(s.name(), t.shape());
          }
          b.input(s.name()).copyFrom(t);
        }
      } else {
        for (TensorSpec s : e.inputs()) {
          b.input(s.name()).segment().fill((byte) 0);
          in.put(s.name(), b.input(s.name()).toTensor());
        }
      }
      inf.run(b);
      StringBuilder shapes = new StringBuilder();
      for (TensorSpec s : e.outputs()) {
        shapes.append(' ').append(s.name()).append('=').append(b.shape(s.name()).joined());
      }
      for (String m : modes) {
        long[] ns = new long[iters];
        long alloc =
            switch (m) {
              case "pinned" -> FastPathBenchmark.timed(ns, () -> inf.run(b));
              case "map" -> FastPathBenchmark.timed(ns, () -> inf.run(in));
              default -> throw new IllegalArgumentException("mode " + m);
            };
        FastPathBenchmark.print(name, m, ns, alloc, shapes.toString());
      }
    }
  }
}
