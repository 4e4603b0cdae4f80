package io.github.trt4j;

import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The Java side of the side-by-side table against {@code gpu.sh cpp-ref}: the same per-call work
 * (copies in, enqueueV3, copies out, one sync) timed per call on the host, p50/p99/mean in
 * microseconds, plus the Java heap bytes allocated per call. Measured, never asserted. Run on a GPU
 * host: {@code gpu.sh run io.github.trt4j.FastPathBenchmark ENGINE [ITERS] [MODES]} with MODES a
 * comma list of load, pinned, device, graph, map, streams.
 */
public final class FastPathBenchmark {

  public static void main(String[] args) throws Exception {
    Path plan = Path.of(args[0]);
    int iters = args.length > 1 ? Integer.parseInt(args[1]) : 5000;
    List<String> modes =
        List.of((args.length > 2 ? args[2] : "load,pinned,device,graph,map").split(","));
    String name = plan.getFileName().toString();
    if (modes.contains("steps")) {
      // One step after another, for the breakdown: TensorRT's natives, the driver, then the first
      // load's deserialization, context and binding.
      long n0 = System.nanoTime();
      String v = TrtEngine.tensorRtVersion();
      System.out.printf(
          Locale.ROOT,
          "java natives_load_us=%.0f tensorrt=%s %s%n",
          (System.nanoTime() - n0) / 1e3,
          v,
          io.github.trt4j.internal.trt.Natives.stepTimes());
      long s0 = System.nanoTime();
      io.github.trt4j.internal.Cuda.requireDevice(0);
      long s1 = System.nanoTime();
      try (TrtEngine e = TrtEngine.load(plan)) {
        long s2 = System.nanoTime();
        try (Inferer i = e.createInferer()) {
          long s3 = System.nanoTime();
          try (IoBinding b = i.createBinding()) {
            long s4 = System.nanoTime();
            System.out.printf(
                Locale.ROOT,
                "java engine=%s mode=steps driver_us=%.0f (%s) deserialize_us=%.0f (%s)"
                    + " context_us=%.0f binding_us=%.0f%n",
                name,
                (s1 - s0) / 1e3,
                io.github.trt4j.internal.Cuda.initTimes(),
                (s2 - s1) / 1e3,
                io.github.trt4j.internal.trt.EngineHandle.lastLoadTimes(),
                (s3 - s2) / 1e3,
                (s4 - s3) / 1e3);
          }
        }
      }
    } else if (modes.contains("load")) {
      // As an application loads: nothing started before TrtEngine.load, so the natives, the
      // driver and the plan's reading overlap as they do for a user (cpp-ref's load_us likewise
      // counts runtime creation, CUDA's start, deserialization and the context).
      long t0 = System.nanoTime();
      try (TrtEngine e = TrtEngine.load(plan);
          Inferer i = e.createInferer();
          IoBinding b = i.createBinding()) {
        long first = System.nanoTime() - t0;
        long t1 = System.nanoTime();
        try (TrtEngine e2 = TrtEngine.load(plan);
            Inferer i2 = e2.createInferer();
            IoBinding b2 = i2.createBinding()) {
          long later = System.nanoTime() - t1;
          System.out.printf(
              Locale.ROOT,
              "java engine=%s mode=load first_load_us=%.0f later_load_us=%.0f"
                  + " (overlapped: %s %s) tensorrt=%s%n",
              name,
              first / 1e3,
              later / 1e3,
              io.github.trt4j.internal.trt.Natives.stepTimes(),
              io.github.trt4j.internal.Cuda.initTimes(),
              TrtEngine.tensorRtVersion());
        }
      }
    }
    try (TrtEngine e = TrtEngine.load(plan)) {
      for (String m : modes) {
        switch (m) {
          case "pinned" -> binding(e, name, iters, false, false);
          case "device" -> binding(e, name, iters, true, false);
          case "graph" -> binding(e, name, iters, false, true);
          case "map" -> map(e, name, iters);
          case "streams" -> {
            for (int n : new int[] {1, 2, 4, 8, 16}) {
              streams(e, name, iters, n);
            }
          }
          case "activation" -> activation(e, name);
          case "load" -> {}
          default -> throw new IllegalArgumentException("mode " + m);
        }
      }
    }
  }

  static void fill(TrtEngine e, IoBinding b) {
    SplittableRandom r = new SplittableRandom(1);
    for (TensorSpec s : e.inputs()) {
      HostTensor h = b.input(s.name());
      if (h.dataType() == DataType.FLOAT) {
        var f = h.floats();
        for (int i = 0; i < f.limit(); i++) {
          f.put(i, (float) r.nextDouble());
        }
      } else {
        h.segment().fill((byte) 0);
      }
    }
  }

  static void binding(TrtEngine e, String name, int iters, boolean device, boolean graph) {
    List<DeviceTensor> owned = new ArrayList<>();
    try (Inferer inf = e.createInferer(InfererOptions.defaults().withCudaGraphs(graph));
        IoBinding b = inf.createBinding()) {
      fill(e, b);
      inf.run(b);
      if (device) {
        for (TensorSpec s : e.tensors()) {
          DeviceTensor d = DeviceTensor.allocate(e.device(), s.dataType(), b.shape(s.name()));
          owned.add(d);
          d.zero();
          b.bind(s.name(), d);
        }
      }
      long[] ns = new long[iters];
      long alloc = timed(ns, () -> inf.run(b));
      print(
          name,
          device ? "device" : graph ? "graph" : "pinned",
          ns,
          alloc,
          graph ? " graphs_active=" + inf.cudaGraphsActive() : "");
    } finally {
      owned.forEach(DeviceTensor::close);
    }
  }

  /** GPU memory taken by 8 Inferers with their own activation memory, and with one shared block. */
  static void activation(TrtEngine e, String name) {
    long[] sizes = new long[2];
    for (int mode = 0; mode < 2; mode++) {
      long free0 = io.github.trt4j.internal.Cuda.memInfo()[0];
      ActivationMemory shared = mode == 1 ? e.createActivationMemory() : null;
      List<Inferer> infs = new ArrayList<>();
      for (int k = 0; k < 8; k++) {
        infs.add(
            e.createInferer(
                shared == null
                    ? InfererOptions.defaults()
                    : InfererOptions.defaults().withSharedMemory(shared)));
      }
      sizes[mode] = free0 - io.github.trt4j.internal.Cuda.memInfo()[0];
      infs.forEach(Inferer::close);
      if (shared != null) {
        shared.close();
      }
    }
    System.out.printf(
        Locale.ROOT,
        "java engine=%s mode=activation per_context_bytes=%d"
            + " eight_static_mib=%.1f eight_shared_mib=%.1f%n",
        name,
        e.deviceMemorySize(),
        sizes[0] / 1048576.0,
        sizes[1] / 1048576.0);
  }

  static void map(TrtEngine e, String name, int iters) {
    try (Inferer inf = e.createInferer();
        IoBinding b = inf.createBinding()) {
      fill(e, b);
      Map<String, Tensor> in = new LinkedHashMap<>();
      for (TensorSpec s : e.inputs()) {
        in.put(s.name(), b.input(s.name()).toTensor());
      }
      long[] ns = new long[iters];
      long alloc = timed(ns, () -> inf.run(in));
      print(name, "map", ns, alloc, "");
    }
  }

  static void streams(TrtEngine e, String name, int iters, int n) throws Exception {
    try (InfererPool pool = InfererPool.create(e, n)) {
      List<IoBinding> bs = new ArrayList<>();
      for (Inferer i : pool.inferers()) {
        IoBinding b = i.createBinding();
        fill(e, b);
        for (int k = 0; k < 200; k++) {
          i.run(b);
        }
        bs.add(b);
      }
      long[][] lat = new long[n][iters];
      Thread[] ts = new Thread[n];
      long t0 = System.nanoTime();
      for (int k = 0; k < n; k++) {
        Inferer i = pool.inferers().get(k);
        IoBinding b = bs.get(k);
        long[] l = lat[k];
        ts[k] =
            new Thread(
                () -> {
                  for (int j = 0; j < iters; j++) {
                    long a = System.nanoTime();
                    i.run(b);
                    l[j] = System.nanoTime() - a;
                  }
                });
        ts[k].start();
      }
      for (Thread t : ts) {
        t.join();
      }
      double secs = (System.nanoTime() - t0) / 1e9;
      long[] all = Arrays.stream(lat).flatMapToLong(Arrays::stream).sorted().toArray();
      System.out.printf(
          Locale.ROOT,
          "java engine=%s mode=streams streams=%d iters=%d latency_p50_us=%.1f"
              + " latency_p99_us=%.1f throughput_per_s=%.0f%n",
          name,
          n,
          iters,
          all[all.length / 2] / 1e3,
          all[(int) (0.99 * (all.length - 1))] / 1e3,
          n * iters / secs);
    }
  }

  /**
   * Warms up (at least 2 s and 5000 calls, so that the JIT has compiled the path), then times each
   * call; returns the heap bytes this thread allocated per call.
   */
  static long timed(long[] ns, Runnable r) {
    long warmEnd = System.nanoTime() + 2_000_000_000L;
    for (int i = 0; i < 5000 || System.nanoTime() < warmEnd; i++) {
      r.run();
    }
    com.sun.management.ThreadMXBean mx =
        (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    long tid = Thread.currentThread().threadId();
    long before = mx.getThreadAllocatedBytes(tid);
    for (int i = 0; i < ns.length; i++) {
      long t0 = System.nanoTime();
      r.run();
      ns[i] = System.nanoTime() - t0;
    }
    return (mx.getThreadAllocatedBytes(tid) - before) / ns.length;
  }

  static void print(String name, String mode, long[] ns, long alloc, String extra) {
    long[] s = ns.clone();
    Arrays.sort(s);
    double mean = Arrays.stream(s).average().orElse(0) / 1e3;
    System.out.printf(
        Locale.ROOT,
        "java engine=%s mode=%s iters=%d latency_mean_us=%.1f latency_p50_us=%.1f"
            + " latency_p99_us=%.1f alloc_bytes_per_call=%d%s%n",
        name,
        mode,
        s.length,
        mean,
        s[s.length / 2] / 1e3,
        s[(int) (0.99 * (s.length - 1))] / 1e3,
        alloc,
        extra);
  }
}
