package io.github.trt4j;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.trt4j.internal.trt.Launch;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** The binding path against the convenience path, device tensors, graphs, async and the pool. */
@GpuTest
class FastPathGpuTest {

  /** Inputs of each test model, from the committed NumPy files. */
  static Map<String, Tensor> inputs(String model) throws IOException {
    return switch (model) {
      case "seed" -> InferenceGpuTest.seedInputs();
      case "dynamic" -> Map.of("x", TestModels.npy("dynamic.in.x.b7.npy"));
      case "mixed" -> Map.of("h", TestModels.npy("mixed.in.h.npy"));
      case "single" -> Map.of("input", TestModels.npy("single.in.input.npy"));
      default -> throw new IllegalArgumentException(model);
    };
  }

  static void assertSame(String what, Tensor want, Tensor got) {
    assertEquals(want.dataType(), got.dataType(), what + ": dtype");
    assertEquals(want.shape(), got.shape(), what + ": shape");
    switch (want.dataType()) {
      case FLOAT, HALF, BF16 -> assertArrayEquals(want.floats(), got.floats(), what);
      case INT32 -> assertArrayEquals(want.ints(), got.ints(), what);
      case INT64 -> assertArrayEquals(want.longs(), got.longs(), what);
      case INT8, UINT8 -> assertArrayEquals(want.bytes(), got.bytes(), what);
      case BOOL -> assertArrayEquals(want.booleans(), got.booleans(), what);
      default -> throw new AssertionError(want.dataType());
    }
  }

  @Test
  void hostAndDeviceBindingsEqualRunMapForEveryModel() throws IOException {
    for (String model : List.of("seed", "dynamic", "mixed", "single")) {
      try (TrtEngine e = TrtEngine.load(TestModels.engine(model));
          Inferer inf = e.createInferer();
          IoBinding host = inf.createBinding();
          IoBinding dev = inf.createBinding()) {
        Map<String, Tensor> in = inputs(model);
        Map<String, Tensor> want = inf.run(in);
        List<DeviceTensor> owned = new ArrayList<>();
        try {
          for (Map.Entry<String, Tensor> x : in.entrySet()) {
            host.input(x.getKey()).copyFrom(x.getValue());
            host.shape(x.getKey(), x.getValue().shape());
            DeviceTensor d =
                DeviceTensor.allocate(e.device(), x.getValue().dataType(), x.getValue().shape());
            owned.add(d);
            d.copyFrom(x.getValue());
            dev.bind(x.getKey(), d);
          }
          Map<String, DeviceTensor> outs = new LinkedHashMap<>();
          for (TensorSpec s : e.outputs()) {
            // Room for the profile's largest output, as the binding requires.
            long elements = host.output(s.name()).capacity() / s.dataType().byteSize();
            DeviceTensor d = DeviceTensor.allocate(e.device(), s.dataType(), Shape.of(elements));
            d.zero();
            owned.add(d);
            outs.put(s.name(), d);
            dev.bind(s.name(), d);
          }
          for (int rep = 0; rep < 3; rep++) {
            inf.run(host);
            inf.run(dev);
            for (TensorSpec s : e.outputs()) {
              assertSame(
                  model + " host " + s.name(),
                  want.get(s.name()),
                  host.output(s.name()).toTensor());
              assertSame(
                  model + " device " + s.name(), want.get(s.name()), outs.get(s.name()).toTensor());
              assertEquals(want.get(s.name()).shape(), dev.shape(s.name()));
            }
          }
        } finally {
          owned.forEach(DeviceTensor::close);
        }
      }
    }
  }

  @Test
  void twoEnginesChainOnTheGpu() throws IOException {
    try (TrtEngine a = TrtEngine.load(TestModels.engine("seed"));
        TrtEngine b = TrtEngine.load(TestModels.engine("seed"));
        Inferer ia = a.createInferer();
        Inferer ib = b.createInferer();
        IoBinding ba = ia.createBinding();
        IoBinding bb = ib.createBinding();
        DeviceTensor eye = DeviceTensor.allocate(0, DataType.FLOAT, Shape.of(2, 36, 60, 1));
        DeviceTensor frame = DeviceTensor.allocate(0, DataType.INT64, Shape.of(2));
        DeviceTensor index = DeviceTensor.allocate(0, DataType.INT64, Shape.of(2))) {
      Map<String, Tensor> in = InferenceGpuTest.seedInputs();
      for (Map.Entry<String, Tensor> x : in.entrySet()) {
        ba.input(x.getKey()).copyFrom(x.getValue());
      }
      // A's pass-through outputs, on the GPU, are B's inputs.
      ba.bind("eye", eye).bind("frame_index", frame).bind("eye_index", index);
      bb.bind("__eye", eye).bind("__frame_index", frame).bind("__eye_index", index);
      ia.run(ba);
      ib.run(bb);
      Map<String, Tensor> want = ia.run(in);
      for (String name : List.of("landmarks", "radius", "heatmaps")) {
        assertSame("chained " + name, want.get(name), bb.output(name).toTensor());
      }
      assertSame("chained eye", in.get("__eye"), bb.output("eye").toTensor());
    }
  }

  @Test
  void cudaGraphReplayIsIdenticalAndRecapturesOnShapeChange() throws IOException {
    try (TrtEngine e = TrtEngine.load(TestModels.engine("dynamic"));
        Inferer plain = e.createInferer();
        Inferer graph = e.createInferer(InfererOptions.defaults().withCudaGraphs(true));
        IoBinding b = graph.createBinding()) {
      for (int batch : new int[] {7, 16, 1}) {
        Tensor x = TestModels.npy("dynamic.in.x.b" + batch + ".npy");
        Tensor want = plain.run(Map.of("x", x)).get("y");
        b.input("x").copyFrom(x);
        b.shape("x", x.shape());
        int before = graph.cudaGraphCaptures();
        for (int rep = 0; rep < 4; rep++) {
          graph.run(b);
          assertSame("graph batch " + batch + " run " + rep, want, b.output("y").toTensor());
        }
        assertEquals(before + 1, graph.cudaGraphCaptures(), "one capture per shape");
      }
      assertTrue(graph.cudaGraphsActive());
      // Same shape, new data: the replay reads the binding's memory, not a copy taken at capture.
      Tensor x7 = TestModels.npy("dynamic.in.x.b7.npy");
      float[] scaled = x7.floats().clone();
      for (int i = 0; i < scaled.length; i++) {
        scaled[i] *= -0.5f;
      }
      Tensor xs = Tensor.ofFloats(x7.shape(), scaled);
      b.input("x").copyFrom(xs);
      b.shape("x", xs.shape());
      graph.run(b);
      graph.run(b);
      graph.run(b);
      assertSame("graph new data", plain.run(Map.of("x", xs)).get("y"), b.output("y").toTensor());
    }
  }

  @Test
  void cudaGraphFallsBackToPlainEnqueueWhenCaptureFails() throws IOException {
    try (TrtEngine e = TrtEngine.load(TestModels.engine("seed"));
        Inferer graph = e.createInferer(InfererOptions.defaults().withCudaGraphs(true));
        IoBinding b = graph.createBinding()) {
      Map<String, Tensor> in = InferenceGpuTest.seedInputs();
      Map<String, Tensor> want = graph.run(in);
      in.forEach((k, v) -> b.input(k).copyFrom(v));
      Launch.failNextCaptureForTest();
      for (int rep = 0; rep < 4; rep++) {
        graph.run(b);
        assertSame("fallback run " + rep, want.get("landmarks"), b.output("landmarks").toTensor());
      }
      assertFalse(graph.cudaGraphsActive());
      assertNotNull(graph.cudaGraphFailure());
      assertEquals(0, graph.cudaGraphCaptures());
    }
  }

  @Test
  void asyncDoubleBufferingGivesEachBindingItsOwnResult() throws IOException {
    try (TrtEngine e = TrtEngine.load(TestModels.engine("dynamic"));
        Inferer inf = e.createInferer();
        IoBinding b1 = inf.createBinding();
        IoBinding b2 = inf.createBinding()) {
      Tensor x7 = TestModels.npy("dynamic.in.x.b7.npy");
      Tensor x16 = TestModels.npy("dynamic.in.x.b16.npy");
      Tensor y7 = TestModels.npy("dynamic.out.y.b7.npy");
      Tensor y16 = TestModels.npy("dynamic.out.y.b16.npy");
      b1.input("x").copyFrom(x7);
      b1.shape("x", x7.shape());
      Completion c1 = inf.enqueue(b1);
      // Filled while b1 may still be running.
      b2.input("x").copyFrom(x16);
      b2.shape("x", x16.shape());
      assertThrows(IllegalStateException.class, () -> inf.run(b1), "b1 is still in flight");
      for (int rep = 0; rep < 50; rep++) {
        Completion c2 = inf.enqueue(b2);
        c1.await();
        Reference.assertClose(
            "b1 " + rep,
            y7.floats(),
            b1.output("y").toTensor().floats(),
            Reference.FP32_RTOL,
            Reference.FP32_ATOL);
        c1 = inf.enqueue(b1);
        c2.await();
        assertTrue(c2.isDone());
        Reference.assertClose(
            "b2 " + rep,
            y16.floats(),
            b2.output("y").toTensor().floats(),
            Reference.FP32_RTOL,
            Reference.FP32_ATOL);
      }
      c1.await();
    }
  }

  @Test
  void bindingRunAllocatesNothingOnTheJavaHeap() throws IOException {
    com.sun.management.ThreadMXBean mx =
        (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    try (TrtEngine e = TrtEngine.load(TestModels.engine("seed"));
        Inferer inf = e.createInferer();
        Inferer graph = e.createInferer(InfererOptions.defaults().withCudaGraphs(true));
        IoBinding b = inf.createBinding();
        IoBinding g = graph.createBinding();
        IoBinding a1 = inf.createBinding();
        IoBinding a2 = inf.createBinding()) {
      InferenceGpuTest.seedInputs()
          .forEach(
              (k, v) -> {
                b.input(k).copyFrom(v);
                g.input(k).copyFrom(v);
                a1.input(k).copyFrom(v);
                a2.input(k).copyFrom(v);
              });
      java.nio.FloatBuffer eye = b.input("__eye").floats();
      float[] landmarks = new float[2 * 18 * 2];
      // Long enough for the JIT to settle: a shorter warm-up left one-off allocations of a few
      // hundred bytes (deoptimizations) in every round on an H200.
      for (int i = 0; i < 3000; i++) {
        inf.run(b);
        graph.run(g);
        inf.enqueue(a1);
        inf.enqueue(a2).await();
        a1.completion().await();
      }
      long tid = Thread.currentThread().threadId();
      // Four rounds once warm: a one-off (a JIT deoptimization, a first-time link) can land in
      // any one of them; a steady per-call allocation shows in all three.
      long allocated = Long.MAX_VALUE;
      StringBuilder rounds = new StringBuilder();
      for (int round = 0; round < 4; round++) {
        long before = mx.getThreadAllocatedBytes(tid);
        for (int i = 0; i < 2000; i++) {
          eye.put(0, (float) i);
          inf.run(b);
          b.output("landmarks").floats().get(0, landmarks);
          graph.run(g);
          inf.enqueue(a1);
          inf.enqueue(a2);
          a1.completion().await();
          a2.completion().await();
        }
        long a = mx.getThreadAllocatedBytes(tid) - before;
        rounds.append(rounds.length() == 0 ? "" : ", ").append(a);
        allocated = Math.min(allocated, a);
      }
      System.out.println(
          "bytes allocated by 2000 x (run + graph run + 2 enqueue/await), four rounds: " + rounds);
      assertEquals(0, allocated, "binding path allocates on the Java heap");
    }
  }

  @Test
  void poolOfFourUnderSixteenThreadsIsBitIdenticalToOneThread() throws Exception {
    for (String model : List.of("seed", "dynamic")) {
      try (TrtEngine e = TrtEngine.load(TestModels.engine(model));
          InfererPool pool = InfererPool.create(e, 4);
          Inferer one = e.createInferer()) {
        List<Map<String, Tensor>> feeds = new ArrayList<>();
        List<Map<String, Tensor>> wants = new ArrayList<>();
        for (int t = 0; t < 16; t++) {
          Map<String, Tensor> f = variant(model, t);
          feeds.add(f);
          wants.add(one.run(f));
        }
        ExecutorService ex = Executors.newFixedThreadPool(16);
        try {
          List<Future<Integer>> done = new ArrayList<>();
          for (int t = 0; t < 16; t++) {
            int id = t;
            done.add(
                ex.submit(
                    () -> {
                      for (int k = 0; k < 150; k++) {
                        Map<String, Tensor> got = pool.run(feeds.get(id));
                        for (Map.Entry<String, Tensor> w : wants.get(id).entrySet()) {
                          assertSame(
                              model + " thread " + id + " " + w.getKey(),
                              w.getValue(),
                              got.get(w.getKey()));
                        }
                      }
                      return id;
                    }));
          }
          for (Future<Integer> f : done) {
            f.get();
          }
        } finally {
          ex.shutdownNow();
        }
      }
    }
  }

  /** Distinct inputs per thread: the seed eye scaled, or a different dynamic batch. */
  private static Map<String, Tensor> variant(String model, int t) throws IOException {
    if (model.equals("dynamic")) {
      int[] batches = {1, 7, 16};
      return Map.of("x", TestModels.npy("dynamic.in.x.b" + batches[t % 3] + ".npy"));
    }
    Map<String, Tensor> in = new LinkedHashMap<>(InferenceGpuTest.seedInputs());
    Tensor eye = in.get("__eye");
    float[] f = eye.floats().clone();
    for (int i = 0; i < f.length; i++) {
      f[i] = f[i] * (1 + t / 16f) - t / 32f;
    }
    in.put("__eye", Tensor.ofFloats(eye.shape(), f));
    return in;
  }

  @Test
  void sharedActivationMemoryServesSeveralInferers() throws IOException {
    try (TrtEngine e = TrtEngine.load(TestModels.engine("seed"));
        ActivationMemory shared = e.createActivationMemory()) {
      Map<String, Tensor> in = InferenceGpuTest.seedInputs();
      Map<String, Tensor> want;
      try (Inferer ref = e.createInferer()) {
        want = ref.run(in);
      }
      InfererOptions o = InfererOptions.defaults().withSharedMemory(shared);
      try (Inferer a = e.createInferer(o);
          Inferer b = e.createInferer(o)) {
        for (int k = 0; k < 5; k++) {
          assertSame("a", want.get("landmarks"), a.run(in).get("landmarks"));
          assertSame("b", want.get("heatmaps"), b.run(in).get("heatmaps"));
        }
      }
      System.out.println(
          "engine activation memory: "
              + e.deviceMemorySize()
              + " bytes per context;"
              + " shared block: "
              + shared.bytes());
    }
  }

  @Test
  void bindingRejectsBadBindsWithNamedErrors() throws IOException {
    try (TrtEngine e = TrtEngine.load(TestModels.engine("seed"));
        Inferer inf = e.createInferer();
        Inferer other = e.createInferer();
        IoBinding b = inf.createBinding();
        DeviceTensor ints = DeviceTensor.allocate(0, DataType.INT32, Shape.of(2, 36, 60, 1));
        DeviceTensor small = DeviceTensor.allocate(0, DataType.FLOAT, Shape.of(2, 18, 1))) {
      var err = assertThrows(IllegalArgumentException.class, () -> b.bind("__eye", ints));
      assertEquals("Input '__eye' is float32; got a int32 device tensor", err.getMessage());
      err = assertThrows(IllegalArgumentException.class, () -> b.bind("landmarks", small));
      assertTrue(
          err.getMessage().startsWith("Output 'landmarks' can need 288 bytes"), err.getMessage());
      err = assertThrows(IllegalArgumentException.class, () -> b.input("landmarks"));
      assertTrue(err.getMessage().contains("'landmarks' is an output"), err.getMessage());
      err = assertThrows(IllegalArgumentException.class, () -> b.output("nope"));
      assertTrue(
          err.getMessage().startsWith("Unknown tensor 'nope'; inputs are [__eye_index, __eye,"),
          err.getMessage());
      err =
          assertThrows(
              IllegalArgumentException.class, () -> b.shape("__eye", Shape.of(1, 36, 60, 1)));
      assertTrue(err.getMessage().contains("__eye"), err.getMessage());
      err = assertThrows(IllegalArgumentException.class, () -> other.run(b));
      assertEquals("This IoBinding belongs to another Inferer", err.getMessage());
      DeviceTensor eye = DeviceTensor.allocate(0, DataType.FLOAT, Shape.of(2, 36, 60, 1));
      b.bind("__eye", eye);
      eye.close();
      var closed = assertThrows(IllegalStateException.class, () -> inf.run(b));
      assertEquals("The device tensor bound to '__eye' was closed", closed.getMessage());
      b.bindHost("__eye");
      inf.run(b);
      HostTensor out = b.output("landmarks");
      inf.close();
      assertThrows(IllegalStateException.class, out::toTensor, "host tensor of a closed Inferer");
      assertThrows(
          IllegalStateException.class,
          () -> out.segment().get(java.lang.foreign.ValueLayout.JAVA_FLOAT, 0));
      assertTrue(b.isClosed(), "closing the Inferer closes its bindings");
    }
  }

  @Test
  void timedRunsWorkOnAThreadWithoutACudaContext() throws Exception {
    // trtexec-style benchmarks (trt4j bench) time each stream on a thread of its own: the driver
    // API makes no context current there, so the timer's events must be made on the engine's.
    try (TrtEngine e = TrtEngine.load(TestModels.engine("seed"));
        Inferer inf = e.createInferer();
        IoBinding b = inf.createBinding()) {
      InferenceGpuTest.seedInputs().forEach((k, v) -> b.input(k).copyFrom(v));
      double[][] phases = new double[1][];
      Throwable[] failed = new Throwable[1];
      Thread t =
          Thread.ofPlatform()
              .start(
                  () -> {
                    try {
                      double[] p = new double[5];
                      for (int i = 0; i < 3; i++) {
                        inf.runTimed(b, p);
                      }
                      phases[0] = p;
                      assertEquals(0L, io.github.trt4j.internal.Cuda.currentContext());
                    } catch (Throwable x) {
                      failed[0] = x;
                    }
                  });
      t.join();
      if (failed[0] != null) {
        throw new AssertionError("runTimed on a fresh thread: " + failed[0], failed[0]);
      }
      assertTrue(phases[0][3] > 0, java.util.Arrays.toString(phases[0]));
    }
  }
}
