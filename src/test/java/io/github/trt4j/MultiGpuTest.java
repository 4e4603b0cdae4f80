package io.github.trt4j;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.github.trt4j.internal.Cuda;
import io.github.trt4j.internal.LiveNatives;
import io.github.trt4j.internal.trt.Natives;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Two GPUs: an engine built for, loaded on and run on device 1 from a thread whose current device
 * is 0 gives the results it gives on device 0, allocates nothing on device 0, frees its memory on
 * device 1 on close() and through the cleaner, and leaves the caller's current device as it was
 * after every call; a pool across both devices under 16 threads gives what one thread gives.
 * Skipped, with the reason, on a machine with fewer than two devices.
 */
@GpuTest
@Timeout(value = 300, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class MultiGpuTest {

  static final long MIB = 1 << 20;
  static final long TOLERANCE = 1 * MIB;
  static final List<String> FLOAT_OUTPUTS = List.of("landmarks", "radius", "heatmaps");

  /** The seed plan, built for device 1 while the caller's current device is 0. */
  static byte[] plan;

  @BeforeAll
  static void twoDevicesAndAPlan() throws Exception {
    try {
      Natives.requireDevice(1);
    } catch (CudaUnavailableException e) {
      Assumptions.abort("needs two CUDA devices: " + e.getMessage());
    }
    Cuda.setDevice(0);
    plan = EngineBuilder.fromOnnx(TestModels.onnx("seed")).tf32(false).device(1).build();
    assertEquals(0, Cuda.currentDevice(), "current device after EngineBuilder.device(1).build()");
    System.out.println(
        "device 0: " + Cuda.deviceDescription(0) + "; device 1: " + Cuda.deviceDescription(1));
  }

  /** Fails unless the calling thread's current device is {@code want} after {@code call}. */
  static void stays(int want, String call) {
    assertEquals(want, Cuda.currentDevice(), "the caller's current device after " + call);
  }

  @Test
  void runsOnDeviceOneFromDeviceZeroAndLeavesTheCurrentDeviceAlone() throws Exception {
    Map<String, Tensor> in = InferenceGpuTest.seedInputs();
    Map<String, Tensor> on0;
    Cuda.setDevice(0);
    try (TrtEngine e0 = TrtEngine.load(plan, 0);
        Inferer i0 = e0.createInferer()) {
      on0 = i0.run(in);
    }
    Cuda.setDevice(0);
    try (TrtEngine e1 = TrtEngine.load(plan, 1)) {
      stays(0, "TrtEngine.load(plan, 1)");
      assertEquals(1, e1.device());
      e1.layerCount();
      stays(0, "layerCount()");
      try (Inferer i1 = e1.createInferer()) {
        stays(0, "createInferer()");
        Map<String, Tensor> on1 = i1.run(in);
        stays(0, "run(Map)");
        compare("run(Map)", in, on0, on1);
        try (IoBinding b = i1.createBinding()) {
          stays(0, "createBinding()");
          in.forEach((k, v) -> b.input(k).copyFrom(v));
          i1.run(b);
          stays(0, "run(IoBinding)");
          compare("run(IoBinding)", in, on0, outputs(e1, b));
          i1.enqueue(b).await();
          stays(0, "enqueue(IoBinding).await()");
          try (DeviceTensor wrong =
              DeviceTensor.allocate(0, DataType.FLOAT, Shape.of(2, 36, 60, 1))) {
            stays(0, "DeviceTensor.allocate(0, …)");
            IllegalArgumentException x =
                assertThrows(
                    IllegalArgumentException.class,
                    () -> b.bind("__eye", wrong),
                    "a device-0 tensor bound to a device-1 binding");
            assertEquals(
                "'__eye' runs on CUDA device 1; the device tensor is on device 0", x.getMessage());
            stays(0, "the refused bind");
          }
        }
        stays(0, "IoBinding.close()");
      }
      stays(0, "Inferer.close()");
    }
    stays(0, "TrtEngine.close()");
    // The other way round: a caller on device 1 using an engine on device 0.
    Cuda.setDevice(1);
    try {
      try (TrtEngine e0 = TrtEngine.load(plan, 0);
          Inferer i0 = e0.createInferer()) {
        stays(1, "load(plan, 0) and createInferer()");
        compare("device 0 from a device-1 caller", in, on0, i0.run(in));
        stays(1, "run(Map) on device 0");
      }
      stays(1, "closing a device-0 engine");
    } finally {
      Cuda.setDevice(0);
    }
  }

  /**
   * {@link InfererPool#acrossDevices}: two Inferers on each device, 16 threads (half of them with
   * device 1 current, half with device 0), every result bit-identical to one thread on device 0,
   * both devices used, and each caller's current device kept after every call. Prints the calls per
   * second of the two-device pool against a pool of two Inferers on device 0 (not asserted).
   */
  @Test
  void aPoolAcrossBothDevicesGivesOneThreadsResultsUnderSixteenThreads(
      @org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
    java.nio.file.Path file = java.nio.file.Files.write(dir.resolve("seed.engine"), plan);
    Map<String, Tensor> in = InferenceGpuTest.seedInputs();
    Map<String, Tensor> want;
    Cuda.setDevice(0);
    try (TrtEngine e0 = TrtEngine.load(plan, 0);
        Inferer one = e0.createInferer()) {
      want = one.run(in);
      try (InfererPool pool = InfererPool.create(e0, 2)) {
        double rate =
            hammer(pool, in, want, 16, 300, new java.util.concurrent.atomic.AtomicLongArray(2));
        System.out.printf(Locale.ROOT, "pool of 2 on device 0, 16 threads: %.0f calls/s%n", rate);
      }
    }
    try (InfererPool pool =
        InfererPool.acrossDevices(file, new int[] {0, 1}, 2, InfererOptions.defaults())) {
      stays(0, "InfererPool.acrossDevices");
      assertEquals(
          List.of(0, 0, 1, 1), pool.inferers().stream().map(i -> i.engine().device()).toList());
      var perDevice = new java.util.concurrent.atomic.AtomicLongArray(2);
      double rate = hammer(pool, in, want, 16, 300, perDevice);
      System.out.printf(
          Locale.ROOT,
          "pool of 2 + 2 across devices 0 and 1, 16 threads: %.0f calls/s (%d on device 0, %d on"
              + " device 1)%n",
          rate,
          perDevice.get(0),
          perDevice.get(1));
      assertTrue(perDevice.get(0) > 0 && perDevice.get(1) > 0, "both devices served: " + perDevice);
    }
    stays(0, "closing the pool and its engines");
  }

  /**
   * {@code threads} threads each make {@code calls} calls through {@code pool}; thread k makes
   * device k % 2 current first and must find it current after every call. Returns calls per second.
   */
  private static double hammer(
      InfererPool pool,
      Map<String, Tensor> in,
      Map<String, Tensor> want,
      int threads,
      int calls,
      java.util.concurrent.atomic.AtomicLongArray perDevice)
      throws Exception {
    var ex = java.util.concurrent.Executors.newFixedThreadPool(threads);
    try {
      var go = new java.util.concurrent.CountDownLatch(1);
      List<java.util.concurrent.Future<?>> done = new java.util.ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int id = t;
        done.add(
            ex.submit(
                () -> {
                  int mine = id % 2;
                  Cuda.setDevice(mine);
                  go.await();
                  for (int k = 0; k < calls; k++) {
                    Map<String, Tensor> got =
                        pool.withInferer(
                            i -> {
                              perDevice.incrementAndGet(i.engine().device());
                              return i.run(in);
                            });
                    stays(mine, "pool call " + k + " on thread " + id);
                    for (Map.Entry<String, Tensor> w : want.entrySet()) {
                      FastPathGpuTest.assertSame(
                          "thread " + id + " call " + k + " " + w.getKey(),
                          w.getValue(),
                          got.get(w.getKey()));
                    }
                  }
                  return null;
                }));
      }
      long t0 = System.nanoTime();
      go.countDown();
      for (var f : done) {
        f.get();
      }
      return threads * (double) calls / ((System.nanoTime() - t0) / 1e9);
    } finally {
      ex.shutdownNow();
    }
  }

  static Map<String, Tensor> outputs(TrtEngine e, IoBinding b) {
    Map<String, Tensor> out = new java.util.LinkedHashMap<>();
    for (TensorSpec s : e.outputs()) {
      out.put(s.name(), b.output(s.name()).toTensor());
    }
    return out;
  }

  /** Device 1's outputs against device 0's and ONNX Runtime's; pass-throughs exactly. */
  static void compare(
      String what, Map<String, Tensor> in, Map<String, Tensor> on0, Map<String, Tensor> on1)
      throws java.io.IOException {
    for (String name : FLOAT_OUTPUTS) {
      float[] a = on0.get(name).floats();
      float[] b = on1.get(name).floats();
      Reference.assertClose(
          what + " " + name + " device 1 vs device 0",
          a,
          b,
          Reference.FP32_RTOL,
          Reference.FP32_ATOL);
      Reference.assertClose(
          what + " " + name + " device 1 vs ONNX Runtime",
          TestModels.npy("seed.out." + name + ".npy").floats(),
          b,
          Reference.FP32_RTOL,
          Reference.FP32_ATOL);
      System.out.printf(
          Locale.ROOT,
          "%s %s: max |device 1 - device 0| = %g%n",
          what,
          name,
          Reference.maxAbs(a, b));
    }
    assertArrayEquals(in.get("__eye").floats(), on1.get("eye").floats(), what + " eye");
    assertArrayEquals(
        in.get("__frame_index").longs(), on1.get("frame_index").longs(), what + " frame_index");
    assertArrayEquals(
        in.get("__eye_index").longs(), on1.get("eye_index").longs(), what + " eye_index");
  }

  @Test
  void closeFreesDeviceOneAndTouchesNothingOnDeviceZero() throws Exception {
    Map<String, Tensor> in = InferenceGpuTest.seedInputs();
    Cuda.setDevice(0);
    openRunAndForget(in); // warm-up: device 1's CUDA context and TensorRT's first-use memory
    long free1 = steadyFree(1);
    long free0 = steadyFree(0);
    try (TrtEngine e = TrtEngine.load(plan, 1);
        Inferer inf = e.createInferer();
        IoBinding b = inf.createBinding()) {
      inf.run(in);
      in.forEach((k, v) -> b.input(k).copyFrom(v));
      inf.run(b);
      long used1 = free1 - Cuda.memInfo(1)[0];
      long used0 = free0 - Cuda.memInfo(0)[0];
      System.out.printf(
          Locale.ROOT,
          "open engine on device 1: device 1 %+.2f MiB used, device 0 %+.2f MiB%n",
          used1 / (double) MIB,
          used0 / (double) MIB);
      assertTrue(used1 > 0, "an open engine, context and binding on device 1 use device-1 memory");
      assertTrue(
          Math.abs(used0) <= TOLERANCE, "device-1 work allocated " + used0 + " bytes on device 0");
    }
    waitForFree(1, free1, "close()", TOLERANCE);
    waitForFree(0, free0, "close() (device 0)", TOLERANCE);
  }

  @Test
  void cleanerFreesDeviceOne() throws Exception {
    Map<String, Tensor> in = InferenceGpuTest.seedInputs();
    Cuda.setDevice(0);
    // Warm-up to the same peak as below, five engines open at once, closed explicitly: the driver
    // keeps device memory at the high-water mark of engines alive at once (about 1 MiB each, see
    // GpuMemoryDiagnostic), which would otherwise read as 4-5 MiB the cleaner did not free.
    List<IoBinding> held = new java.util.ArrayList<>();
    for (int i = 0; i < 5; i++) {
      held.add(openRunAndForget(in));
    }
    for (IoBinding b : held) {
      b.inferer().engine().close();
    }
    held.clear();
    int engines0 = LiveNatives.engines();
    long free1 = steadyFree(1);
    // Held until the control below has seen their memory, then dropped unclosed.
    for (int i = 0; i < 5; i++) {
      held.add(openRunAndForget(in));
    }
    stays(0, "load, createInferer, run, createBinding on device 1, never closed");
    assertTrue(free1 - Cuda.memInfo(1)[0] > 0, "five unclosed engines hold device-1 memory");
    assertEquals(engines0 + 5, LiveNatives.engines(), "engines alive with five unclosed ones held");
    held.clear();
    waitForFree(1, free1, "the cleaner", TOLERANCE);
    for (int i = 0; i < 30 && LiveNatives.engines() > engines0; i++) {
      System.gc();
      Thread.sleep(300);
    }
    assertEquals(engines0, LiveNatives.engines(), "engines alive once the cleaner has run");
  }

  /**
   * Loads on device 1, runs both paths and returns without closing anything: once the caller drops
   * the binding, the engine, the Inferer and its bindings are unreachable.
   */
  private static IoBinding openRunAndForget(Map<String, Tensor> in) {
    TrtEngine e = TrtEngine.load(plan, 1);
    Inferer inf = e.createInferer();
    inf.run(in);
    IoBinding b = inf.createBinding();
    in.forEach((k, v) -> b.input(k).copyFrom(v));
    inf.run(b);
    return b; // which holds its Inferer, which holds the engine
  }

  /** Free memory on {@code device} once the cleaners are done: two equal readings after GC. */
  private static long steadyFree(int device) throws InterruptedException {
    long last = -1;
    for (int i = 0; i < 30; i++) {
      System.gc();
      Thread.sleep(300);
      long now = Cuda.memInfo(device)[0];
      if (now == last) {
        return now;
      }
      last = now;
    }
    return last;
  }

  /**
   * GCs and polls free memory on {@code device} for up to ~10 s until it is back to {@code before}.
   */
  private static void waitForFree(int device, long before, String what, long tolerance)
      throws InterruptedException {
    long now = 0;
    for (int i = 0; i < 30; i++) {
      System.gc();
      Thread.sleep(300);
      now = Cuda.memInfo(device)[0];
      if (Math.abs(before - now) <= tolerance) {
        System.out.printf(
            Locale.ROOT,
            "device %d after %s: free %d -> %d MiB (%+.2f MiB)%n",
            device,
            what,
            before / MIB,
            now / MIB,
            (now - before) / (double) MIB);
        return;
      }
    }
    fail(
        String.format(
            Locale.ROOT,
            "device %d: free memory %+.2f MiB after %s (allowed ±%.0f MiB)",
            device,
            (now - before) / (double) MIB,
            what,
            tolerance / (double) MIB));
  }
}
