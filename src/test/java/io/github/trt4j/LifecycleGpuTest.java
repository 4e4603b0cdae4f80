package io.github.trt4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.trt4j.internal.Cuda;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

@GpuTest
class LifecycleGpuTest {

  static final long MIB = 1 << 20;

  static long rssBytes() throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
      if (line.startsWith("VmRSS:")) {
        return Long.parseLong(line.replaceAll("\\D+", "")) * 1024;
      }
    }
    return -1;
  }

  static long heapCommitted() {
    return java.lang.management.ManagementFactory.getMemoryMXBean()
        .getHeapMemoryUsage()
        .getCommitted();
  }

  static void settle() throws InterruptedException {
    System.gc();
    Thread.sleep(200);
    System.gc();
  }

  @Test
  void fiveHundredLoadInferCloseCyclesDoNotLeak() throws Exception {
    byte[] plan = Files.readAllBytes(TestModels.engine("seed"));
    Map<String, Tensor> in = InferenceGpuTest.seedInputs();
    Runnable cycle =
        () -> {
          try (TrtEngine e = TrtEngine.load(plan);
              Inferer inf = e.createInferer()) {
            inf.run(in);
          }
        };
    // Warm up until the JIT, the Java heap and the allocators reach their working size.
    for (int i = 0; i < 100; i++) {
      cycle.run();
    }
    settle();
    long free0 = Cuda.memInfo()[0];
    long rss0 = rssBytes();
    long heap0 = heapCommitted();
    long javacpp0 = org.bytedeco.javacpp.Pointer.totalBytes();
    for (int i = 0; i < 500; i++) {
      cycle.run();
      if (i == 249) {
        settle();
        System.out.printf("after 250 cycles: RSS %+.1f MiB%n", (rssBytes() - rss0) / (double) MIB);
      }
    }
    settle();
    long free1 = Cuda.memInfo()[0];
    long rss1 = rssBytes();
    long heap1 = heapCommitted();
    long javacpp1 = org.bytedeco.javacpp.Pointer.totalBytes();
    System.out.printf("JavaCPP-tracked native bytes %d -> %d%n", javacpp0, javacpp1);
    System.out.printf(
        "500 cycles: GPU free %d -> %d MiB (drift %+.1f MiB), RSS %d -> %d MiB (drift %+.1f MiB;"
            + " Java heap committed %+.1f MiB of it)%n",
        free0 / MIB,
        free1 / MIB,
        (free0 - free1) / (double) MIB,
        rss0 / MIB,
        rss1 / MIB,
        (rss1 - rss0) / (double) MIB,
        (heap1 - heap0) / (double) MIB);
    // Where does RSS go? Load/close alone, and inference alone (printed, not asserted).
    settle();
    long a = rssBytes();
    for (int i = 0; i < 300; i++) {
      try (TrtEngine e = TrtEngine.load(plan)) {
        e.tensors();
      }
    }
    settle();
    long b = rssBytes();
    try (TrtEngine e = TrtEngine.load(plan);
        Inferer inf = e.createInferer()) {
      for (int i = 0; i < 2000; i++) {
        inf.run(in);
      }
    }
    settle();
    long c = rssBytes();
    System.out.printf(
        "RSS: 300 load/close only %+.1f MiB; 2000 inferences on one Inferer %+.1f MiB%n",
        (b - a) / (double) MIB, (c - b) / (double) MIB);
    assertTrue(Math.abs(free0 - free1) < 64 * MIB, "GPU memory drift " + (free0 - free1));
    assertTrue(rss1 - rss0 < 64 * MIB, "RSS drift " + (rss1 - rss0));
  }

  @Test
  void openEnginesShowInTheMemoryMeasurement() throws Exception {
    // Control for the test above: engines that are loaded and kept take GPU memory, so the
    // measurement can see a leak.
    byte[] plan = Files.readAllBytes(TestModels.engine("seed"));
    long free0 = Cuda.memInfo()[0];
    List<Inferer> kept = new ArrayList<>();
    List<TrtEngine> engines = new ArrayList<>();
    try {
      for (int i = 0; i < 20; i++) {
        TrtEngine e = TrtEngine.load(plan);
        engines.add(e);
        kept.add(e.createInferer());
      }
      long used = free0 - Cuda.memInfo()[0];
      System.out.printf(
          "20 open engines+inferers hold %.1f MiB of GPU memory%n", used / (double) MIB);
      assertTrue(used > 0);
    } finally {
      engines.forEach(TrtEngine::close);
    }
    assertTrue(kept.stream().allMatch(Inferer::isClosed));
  }

  @Test
  void manyInferersOnOneEngineRunConcurrently() throws Exception {
    Map<String, Tensor> in = InferenceGpuTest.seedInputs();
    float[] want = TestModels.npy("seed.out.heatmaps.npy").floats();
    try (TrtEngine e = TrtEngine.load(TestModels.engine("seed"))) {
      ExecutorService pool = Executors.newFixedThreadPool(4);
      try {
        List<Future<Integer>> done = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
          done.add(
              pool.submit(
                  () -> {
                    try (Inferer inf = e.createInferer()) {
                      for (int i = 0; i < 50; i++) {
                        Reference.assertClose(
                            "heatmaps",
                            want,
                            inf.run(in).get("heatmaps").floats(),
                            Reference.FP32_RTOL,
                            Reference.FP32_ATOL);
                      }
                      return 50;
                    }
                  }));
        }
        int total = 0;
        for (Future<Integer> f : done) {
          total += f.get();
        }
        assertEquals(200, total);
      } finally {
        pool.shutdownNow();
      }
    }
  }

  @Test
  void oneInfererSharedByThreadsSerializesCalls() throws Exception {
    float[] x7 = TestModels.npy("dynamic.in.x.b7.npy").floats();
    float[] x16 = TestModels.npy("dynamic.in.x.b16.npy").floats();
    float[] y7 = TestModels.npy("dynamic.out.y.b7.npy").floats();
    float[] y16 = TestModels.npy("dynamic.out.y.b16.npy").floats();
    try (TrtEngine e = TrtEngine.load(TestModels.engine("dynamic"));
        Inferer inf = e.createInferer()) {
      ExecutorService pool = Executors.newFixedThreadPool(2);
      try {
        Future<?> a =
            pool.submit(
                () -> {
                  for (int i = 0; i < 100; i++) {
                    Reference.assertClose(
                        "y7", y7, inf.infer(Map.of("x", x7)).get("y"), 1e-3, 1e-4);
                  }
                });
        Future<?> b =
            pool.submit(
                () -> {
                  for (int i = 0; i < 100; i++) {
                    Reference.assertClose(
                        "y16", y16, inf.infer(Map.of("x", x16)).get("y"), 1e-3, 1e-4);
                  }
                });
        a.get();
        b.get();
      } finally {
        pool.shutdownNow();
      }
    }
  }
}
