package io.github.trt4j.cli;

import io.github.trt4j.DataType;
import io.github.trt4j.DeviceTensor;
import io.github.trt4j.HostTensor;
import io.github.trt4j.Inferer;
import io.github.trt4j.InfererOptions;
import io.github.trt4j.InfererPool;
import io.github.trt4j.IoBinding;
import io.github.trt4j.Shape;
import io.github.trt4j.TensorSpec;
import io.github.trt4j.TrtEngine;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicLong;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
    name = "bench",
    mixinStandardHelpOptions = true,
    description = {
      "Benchmark an engine (or an ONNX model, built once and cached) the way trtexec does:",
      "warm up, run for --duration seconds and at least --iterations times, then print trtexec's",
      "performance summary. Latency is the host wall clock of one call (copies in, enqueueV3,",
      "copies out, one sync); H2D, GPU compute and D2H come from CUDA events. Inputs are random",
      "(floats in [-1, 1), integers and bools 0)."
    })
final class BenchCommand implements Callable<Integer> {

  @Parameters(
      index = "0",
      paramLabel = "ENGINE|MODEL.onnx",
      description = "A serialized engine or an ONNX model.")
  Path model;

  @Option(
      names = "--warmUp",
      defaultValue = "200",
      paramLabel = "MS",
      description = "Warm-up time in ms (default: ${DEFAULT-VALUE}).")
  long warmUpMs;

  @Option(
      names = "--duration",
      defaultValue = "3",
      paramLabel = "S",
      description = "Minimum run time in seconds (default: ${DEFAULT-VALUE}).")
  double durationS;

  @Option(
      names = "--iterations",
      defaultValue = "10",
      paramLabel = "N",
      description = "Minimum iterations per stream (default: ${DEFAULT-VALUE}).")
  long iterations;

  @Option(
      names = "--percentile",
      defaultValue = "90,95,99",
      paramLabel = "P,...",
      description = "Percentiles to report (default: ${DEFAULT-VALUE}).")
  String percentile;

  @Option(
      names = "--infStreams",
      defaultValue = "1",
      paramLabel = "N",
      description =
          "Concurrent streams, each an Inferer of one pool on its own thread (default: ${DEFAULT-VALUE}).")
  int streams;

  @Option(
      names = "--useCudaGraph",
      description = "Capture each stream's copies and enqueueV3 in a CUDA graph and replay it.")
  boolean cudaGraph;

  @Option(
      names = "--noDataTransfers",
      description = "Bind every tensor to device memory: no host copies.")
  boolean noDataTransfers;

  @Option(
      names = "--shapes",
      split = ",",
      paramLabel = "NAME:DIMS",
      description =
          "Shapes of dynamic inputs, e.g. x:7x16 (default: the profile's opt shape; for ONNX also the build profile).")
  List<String> shapes = List.of();

  @Option(
      names = "--exportTimes",
      paramLabel = "FILE.json",
      description = "Write every iteration's timings as JSON.")
  Path exportTimes;

  @Option(names = "--fp16", description = "For an ONNX model: allow FP16 kernels in the build.")
  boolean fp16;

  @Option(
      names = "--device",
      defaultValue = "0",
      description = "CUDA device index (default: ${DEFAULT-VALUE}).")
  int device;

  @CommandLine.Mixin PluginOption plugins = new PluginOption();

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  /** One stream's per-iteration timings (ms). */
  private static final class Times {
    final DoubleList start = new DoubleList();
    final DoubleList latency = new DoubleList();
    final DoubleList enqueue = new DoubleList();
    final DoubleList h2d = new DoubleList();
    final DoubleList compute = new DoubleList();
    final DoubleList d2h = new DoubleList();
  }

  @Override
  public Integer call() throws Exception {
    if (streams < 1) {
      throw new IllegalArgumentException("--infStreams must be >= 1; got " + streams);
    }
    if (durationS < 0 || warmUpMs < 0 || iterations < 0) {
      throw new IllegalArgumentException("--warmUp, --duration and --iterations must be >= 0");
    }
    List<Double> pcts = BenchStats.parsePercentiles(percentile);
    Map<String, Shape> given = EngineSource.parseShapes(shapes);
    PrintWriter out = spec.commandLine().getOut();
    try (TrtEngine e = EngineSource.load(model, given, fp16, device, out, plugins);
        InfererPool pool =
            InfererPool.create(e, streams, InfererOptions.defaults().withCudaGraphs(cudaGraph))) {
      for (String name : given.keySet()) {
        e.tensor(name);
      }
      List<IoBinding> bindings = new ArrayList<>();
      List<DeviceTensor> deviceTensors = new ArrayList<>();
      try {
        for (Inferer inf : pool.inferers()) {
          bindings.add(prepare(e, inf, given, deviceTensors));
        }
        out.printf(
            "bench %s: %d stream(s)%s%s, warm-up %d ms, duration %.1f s%n",
            e.source(),
            streams,
            cudaGraph ? ", CUDA graphs" : "",
            noDataTransfers ? ", no data transfers" : "",
            warmUpMs,
            durationS);
        out.flush();
        Times[] times = runAll(pool.inferers(), bindings, out);
        Inferer first = pool.inferers().get(0);
        if (cudaGraph) {
          out.println(
              first.cudaGraphsActive()
                  ? "CUDA graphs: " + first.cudaGraphCaptures() + " capture(s) on stream 0"
                  : "CUDA graphs fell back to plain enqueue: " + first.cudaGraphFailure());
        }
        report(times, pcts, out);
      } finally {
        bindings.forEach(IoBinding::close);
        deviceTensors.forEach(DeviceTensor::close);
      }
    }
    out.flush();
    return 0;
  }

  private IoBinding prepare(
      TrtEngine e, Inferer inf, Map<String, Shape> given, List<DeviceTensor> owned) {
    IoBinding b = inf.createBinding();
    SplittableRandom rnd = new SplittableRandom(42);
    for (TensorSpec s : e.inputs()) {
      Shape shape = given.get(s.name());
      if (shape != null) {
        b.shape(s.name(), shape);
      }
      fill(b.input(s.name()), rnd);
    }
    inf.run(b);
    if (noDataTransfers) {
      for (TensorSpec s : e.tensors()) {
        Shape shape = b.shape(s.name());
        DeviceTensor d = DeviceTensor.allocate(e.device(), s.dataType(), shape);
        owned.add(d);
        if (s.isInput()) {
          d.copyFrom(b.input(s.name()).toTensor());
        }
        b.bind(s.name(), d);
      }
    }
    return b;
  }

  private static void fill(HostTensor h, SplittableRandom rnd) {
    if (h.dataType() == DataType.FLOAT) {
      var f = h.floats();
      for (int i = 0; i < f.limit(); i++) {
        f.put(i, (float) (rnd.nextDouble() * 2 - 1));
      }
    } else if (h.dataType() == DataType.HALF || h.dataType() == DataType.BF16) {
      var s = h.shorts();
      for (int i = 0; i < s.limit(); i++) {
        float v = (float) (rnd.nextDouble() * 2 - 1);
        s.put(
            i,
            h.dataType() == DataType.HALF
                ? Float.floatToFloat16(v)
                : (short) (Float.floatToRawIntBits(v) >>> 16));
      }
    } else {
      h.segment().fill((byte) 0);
    }
  }

  private Times[] runAll(List<Inferer> inferers, List<IoBinding> bindings, PrintWriter out)
      throws InterruptedException {
    Times[] times = new Times[inferers.size()];
    AtomicLong done = new AtomicLong();
    long warmEnd = System.nanoTime() + warmUpMs * 1_000_000L;
    long[] start = new long[1];
    List<Thread> threads = new ArrayList<>();
    Throwable[] failure = new Throwable[1];
    java.util.concurrent.CyclicBarrier go =
        new java.util.concurrent.CyclicBarrier(inferers.size(), () -> start[0] = System.nanoTime());
    for (int k = 0; k < inferers.size(); k++) {
      Inferer inf = inferers.get(k);
      IoBinding b = bindings.get(k);
      Times t = times[k] = new Times();
      Thread th =
          new Thread(
              () -> {
                try {
                  double[] ph = new double[5];
                  while (System.nanoTime() < warmEnd) {
                    inf.runTimed(b, ph);
                  }
                  go.await();
                  long end = start[0] + (long) (durationS * 1e9);
                  long n = 0;
                  while (n < iterations || System.nanoTime() < end) {
                    long t0 = System.nanoTime();
                    inf.runTimed(b, ph);
                    long t1 = System.nanoTime();
                    t.start.add((t0 - start[0]) / 1e6);
                    t.latency.add((t1 - t0) / 1e6);
                    t.enqueue.add(ph[4]);
                    t.h2d.add(ph[0]);
                    t.compute.add(ph[1] >= 0 ? ph[1] : ph[3]);
                    t.d2h.add(ph[2]);
                    n++;
                    done.incrementAndGet();
                  }
                } catch (Throwable ex) {
                  synchronized (failure) {
                    failure[0] = ex;
                  }
                  go.reset();
                }
              },
              "bench-stream-" + k);
      threads.add(th);
      th.start();
    }
    long lastPrint = System.nanoTime();
    for (Thread th : threads) {
      while (th.isAlive()) {
        th.join(200);
        if (System.nanoTime() - lastPrint > 1_000_000_000L && start[0] != 0) {
          lastPrint = System.nanoTime();
          out.printf(
              Locale.ROOT,
              "[bench] %.1f s: %d queries%n",
              (lastPrint - start[0]) / 1e9,
              done.get());
          out.flush();
        }
      }
    }
    if (failure[0] != null) {
      throw new IllegalStateException(
          "A bench stream failed: " + failure[0].getMessage(), failure[0]);
    }
    return times;
  }

  private void report(Times[] times, List<Double> pcts, PrintWriter out)
      throws java.io.IOException {
    double wall = 0;
    long queries = 0;
    for (Times t : times) {
      queries += t.latency.size();
      if (t.start.size() > 0) {
        wall =
            Math.max(
                wall,
                (t.start.get(t.start.size() - 1) + t.latency.get(t.latency.size() - 1)) / 1000);
      }
    }
    out.print(
        BenchStats.summary(
            queries,
            wall,
            new BenchStats.Series("Latency", concat(times, t -> t.latency)),
            new BenchStats.Series("Enqueue Time", concat(times, t -> t.enqueue)),
            new BenchStats.Series("H2D Latency", concat(times, t -> t.h2d)),
            new BenchStats.Series("GPU Compute Time", concat(times, t -> t.compute)),
            new BenchStats.Series("D2H Latency", concat(times, t -> t.d2h)),
            pcts));
    if (exportTimes != null) {
      StringBuilder j = new StringBuilder("[\n");
      for (int k = 0; k < times.length; k++) {
        Times t = times[k];
        for (int i = 0; i < t.latency.size(); i++) {
          j.append(
              String.format(
                  Locale.ROOT,
                  "  {\"stream\": %d, \"startMs\": %.6f, \"latencyMs\": %.6f, \"enqueueMs\": %.6f,"
                      + " \"h2dMs\": %.6f, \"computeMs\": %.6f, \"d2hMs\": %.6f},%n",
                  k,
                  t.start.get(i),
                  t.latency.get(i),
                  t.enqueue.get(i),
                  t.h2d.get(i),
                  t.compute.get(i),
                  t.d2h.get(i)));
        }
      }
      int comma = j.lastIndexOf(",");
      if (comma > 1) {
        j.deleteCharAt(comma);
      }
      j.append("]\n");
      Files.writeString(exportTimes, j);
      out.printf("wrote %s%n", exportTimes);
    }
  }

  private static double[] concat(Times[] times, java.util.function.Function<Times, DoubleList> f) {
    DoubleList all = new DoubleList();
    for (Times t : times) {
      DoubleList l = f.apply(t);
      for (int i = 0; i < l.size(); i++) {
        all.add(l.get(i));
      }
    }
    return all.toArray();
  }

  /** A growable list of doubles. */
  static final class DoubleList {
    private double[] a = new double[1024];
    private int n;

    void add(double v) {
      if (n == a.length) {
        a = java.util.Arrays.copyOf(a, n * 2);
      }
      a[n++] = v;
    }

    double get(int i) {
      return a[i];
    }

    int size() {
      return n;
    }

    double[] toArray() {
      return java.util.Arrays.copyOf(a, n);
    }
  }
}
