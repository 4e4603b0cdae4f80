package io.github.trt4j;

import static io.github.trt4j.ProcessMemory.MIB;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Long runs that must leave the process and the GPU as they found them: 2000 load→infer→close
 * cycles, and 100 000 inferences on one Inferer through an IoBinding. RSS (the least of a few
 * readings after GC) must stay within ±16 MiB of its value after a warm-up, GPU free memory within
 * ±1 MiB. Tagged {@code soak} as well as {@code gpu}, so that it can be run alone ({@code
 * --include-tag soak}) or left out ({@code --exclude-tag soak}).
 */
@GpuTest
@Tag("soak")
@Timeout(value = 600, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class SoakGpuTest {

  static final long RSS_TOLERANCE = 16 * MIB;
  static final long GPU_TOLERANCE = 1 * MIB;
  static final List<String> CHECKED = List.of("landmarks", "radius", "heatmaps");

  /** A reading of process and GPU memory, printed at each checkpoint. */
  record Reading(long rss, long gpuFree, long heapCommitted) {
    static Reading take() throws InterruptedException {
      // GPU first: it waits until the cleaners are done, which the RSS reading then includes.
      long gpu = RaceSupport.steadyGpuFree();
      long rss = ProcessMemory.settledRss();
      return new Reading(
          rss, gpu, ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getCommitted());
    }

    String since(Reading start) {
      return String.format(
          Locale.ROOT,
          "RSS %d MiB (%+.1f; Java heap committed %+.1f of it), GPU free %d MiB (%+.2f), threads %d, %s",
          rss / MIB,
          (rss - start.rss) / (double) MIB,
          (heapCommitted - start.heapCommitted) / (double) MIB,
          gpuFree / MIB,
          (gpuFree - start.gpuFree) / (double) MIB,
          ProcessMemory.status("Threads"),
          ProcessMemory.mallocSummary());
    }
  }

  /** Fails when RSS or GPU memory moved beyond the tolerances (GPU polled for a few seconds). */
  static void assertFlat(String what, Reading start) throws InterruptedException {
    Reading end = Reading.take();
    for (int i = 0; i < 10 && Math.abs(end.gpuFree - start.gpuFree) > GPU_TOLERANCE; i++) {
      Thread.sleep(300);
      end = Reading.take();
    }
    System.out.println(what + ", end: " + end.since(start));
    long rssDrift = end.rss - start.rss;
    long gpuDrift = end.gpuFree - start.gpuFree;
    assertTrue(
        Math.abs(gpuDrift) <= GPU_TOLERANCE,
        String.format(
            Locale.ROOT,
            "%s: GPU free memory moved by %+.2f MiB (allowed ±1 MiB)",
            what,
            gpuDrift / (double) MIB));
    assertTrue(
        Math.abs(rssDrift) <= RSS_TOLERANCE,
        String.format(
            Locale.ROOT,
            "%s: RSS moved by %+.1f MiB (allowed ±16 MiB); see ContextRssDiagnostic",
            what,
            rssDrift / (double) MIB));
  }

  static void check(String what, Map<String, Tensor> want, Map<String, Tensor> got) {
    for (String name : CHECKED) {
      Reference.assertClose(
          what + " " + name,
          want.get(name).floats(),
          got.get(name).floats(),
          Reference.FP32_RTOL,
          Reference.FP32_ATOL);
    }
  }

  static Map<String, Tensor> seedOutputs() throws java.io.IOException {
    Map<String, Tensor> want = new java.util.HashMap<>();
    for (String name : CHECKED) {
      want.put(name, TestModels.npy("seed.out." + name + ".npy"));
    }
    return want;
  }

  @Test
  void twoThousandLoadInferCloseCycles() throws Exception {
    byte[] plan = Files.readAllBytes(TestModels.engine("seed"));
    Map<String, Tensor> in = InferenceGpuTest.seedInputs();
    Map<String, Tensor> want = seedOutputs();
    long t0 = System.nanoTime();
    // Warm-up: the JIT, the Java heap and the allocators reach their working size.
    for (int i = 0; i < 100; i++) {
      cycle(plan, in, want, i);
    }
    Reading start = Reading.take();
    System.out.println(
        "2000 cycles, start after 100 warm-up cycles (malloc_trim after close "
            + (io.github.trt4j.internal.NativeHeap.active() ? "on" : "off")
            + "): "
            + start.since(start));
    for (int i = 0; i < 2000; i++) {
      cycle(plan, in, want, i);
      if ((i + 1) % 500 == 0) {
        System.out.println("after " + (i + 1) + " cycles: " + Reading.take().since(start));
      }
    }
    System.out.printf(Locale.ROOT, "2000 cycles took %.1f s%n", (System.nanoTime() - t0) / 1e9);
    assertFlat("2000 load→infer→close cycles", start);
  }

  private static void cycle(byte[] plan, Map<String, Tensor> in, Map<String, Tensor> want, int i) {
    try (TrtEngine e = TrtEngine.load(plan);
        Inferer inf = e.createInferer()) {
      Map<String, Tensor> out = inf.run(in);
      // Every output of every cycle would cost more than the cycle; the small ones always.
      if (i % 100 == 0) {
        check("cycle " + i, want, out);
      } else {
        Reference.assertClose(
            "cycle " + i + " landmarks",
            want.get("landmarks").floats(),
            out.get("landmarks").floats(),
            Reference.FP32_RTOL,
            Reference.FP32_ATOL);
      }
    }
  }

  @Test
  void hundredThousandInferencesOnOneInferer() throws Exception {
    Map<String, Tensor> in = InferenceGpuTest.seedInputs();
    Map<String, Tensor> want = seedOutputs();
    com.sun.management.ThreadMXBean threads =
        (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    try (TrtEngine e = TrtEngine.load(TestModels.engine("seed"));
        Inferer inf = e.createInferer();
        IoBinding b = inf.createBinding()) {
      for (Map.Entry<String, Tensor> x : in.entrySet()) {
        b.input(x.getKey()).copyFrom(x.getValue());
      }
      float[] landmarks = new float[(int) b.output("landmarks").elementCount()];
      float[] wantLandmarks = want.get("landmarks").floats();
      for (int i = 0; i < 2000; i++) {
        inf.run(b);
      }
      Reading start = Reading.take();
      System.out.println(
          "100 000 inferences, start after 2000 warm-up runs: " + start.since(start));
      long t0 = System.nanoTime();
      long allocated0 = threads.getCurrentThreadAllocatedBytes();
      for (int i = 0; i < 100_000; i++) {
        inf.run(b);
        if (i % 1000 == 0) {
          // Read through the reused view: the check allocates nothing either.
          b.output("landmarks").floats().get(0, landmarks);
          if (!RaceSupport.closeTo(wantLandmarks, landmarks)) {
            Reference.assertClose(
                "run " + i + " landmarks",
                wantLandmarks,
                landmarks,
                Reference.FP32_RTOL,
                Reference.FP32_ATOL);
          }
        }
        if ((i + 1) % 25_000 == 0) {
          long allocated = threads.getCurrentThreadAllocatedBytes() - allocated0;
          Map<String, Tensor> out = new java.util.HashMap<>();
          for (String name : CHECKED) {
            out.put(name, b.output(name).toTensor());
          }
          check("run " + (i + 1), want, out);
          System.out.printf(
              Locale.ROOT,
              "after %d inferences (%.1f s, %.1f heap bytes/run): %s%n",
              i + 1,
              (System.nanoTime() - t0) / 1e9,
              allocated / (double) (i + 1),
              Reading.take().since(start));
          allocated0 = threads.getCurrentThreadAllocatedBytes() - allocated;
        }
      }
      assertFlat("100 000 inferences on one Inferer", start);
    }
  }
}
