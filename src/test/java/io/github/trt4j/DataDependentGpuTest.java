package io.github.trt4j;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.trt4j.internal.Cuda;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Outputs whose shapes only a run gives ({@code scripts/make_dds_models.py}: NonZero's positions
 * and a Gather of the values there, next to a Relu whose shape the input gives). The expected
 * outputs are computed here in Java from the input: exact, since NonZero and Gather compute
 * nothing.
 */
@GpuTest
class DataDependentGpuTest {

  static Path plan;

  @BeforeAll
  static void build() throws IOException {
    plan = TestModels.engine("nonzero");
  }

  /** An input of {@code n} elements of which about {@code density} are non-zero. */
  static float[] input(SplittableRandom r, int n, double density) {
    float[] x = new float[n];
    for (int i = 0; i < n; i++) {
      x[i] = r.nextDouble() < density ? (float) (r.nextDouble() * 4 - 2) : 0f;
      if (x[i] == 0f && r.nextDouble() < density) {
        x[i] = 1f;
      }
    }
    return x;
  }

  static long[] positions(float[] x) {
    return java.util.stream.IntStream.range(0, x.length)
        .filter(i -> x[i] != 0f)
        .asLongStream()
        .toArray();
  }

  static void check(float[] x, Shape indicesShape, long[] indices, float[] values, float[] relu) {
    long[] p = positions(x);
    assertEquals(Shape.of(p.length, 1), indicesShape, "indices shape");
    assertArrayEquals(p, indices, "indices");
    float[] v = new float[p.length];
    for (int k = 0; k < p.length; k++) {
      v[k] = x[(int) p[k]];
    }
    assertArrayEquals(v, values, "values");
    float[] y = new float[x.length];
    for (int i = 0; i < x.length; i++) {
      y[i] = Math.max(0f, x[i]);
    }
    assertArrayEquals(y, relu, "relu");
  }

  @Test
  void theSpecsAndDescribeSayWhichOutputsAreDataDependent() throws IOException {
    try (TrtEngine e = TrtEngine.load(plan)) {
      Map<String, TensorSpec> byName = new java.util.HashMap<>();
      e.tensors().forEach(t -> byName.put(t.name(), t));
      assertTrue(byName.get("indices").dataDependent());
      assertTrue(byName.get("values").dataDependent());
      assertFalse(byName.get("relu").dataDependent(), "relu's shape follows from x's");
      assertFalse(byName.get("x").dataDependent());
      String table = e.describe();
      System.out.println(table);
      assertEquals(
          List.of("indices", "values"),
          table
              .lines()
              .filter(l -> l.endsWith("data-dependent shape"))
              .map(l -> l.split("\\s+")[1])
              .toList(),
          table);
    }
  }

  @Test
  void oneBindingFollowsOutputsThatGrowAndShrink() throws IOException {
    SplittableRandom r = new SplittableRandom(7);
    try (TrtEngine e = TrtEngine.load(plan);
        Inferer inf = e.createInferer();
        IoBinding b = inf.createBinding()) {
      assertEquals(Shape.of(0, 1), b.shape("indices"), "empty before the first run");
      int[] sizes = {64, 64, 4096, 1, 4096, 300, 17, 4096, 64};
      double[] densities = {0.5, 0.0, 0.9, 1.0, 0.01, 1.0, 0.3, 1.0, 0.2};
      for (int c = 0; c < sizes.length; c++) {
        float[] x = input(r, sizes[c], densities[c]);
        b.shape("x", Shape.of(x.length));
        b.input("x").floats().put(0, x);
        inf.run(b);
        HostTensor idx = b.output("indices");
        long[] got = new long[(int) idx.elementCount()];
        idx.longs().get(0, got);
        float[] vals = new float[(int) b.output("values").elementCount()];
        b.output("values").floats().get(0, vals);
        float[] relu = new float[x.length];
        b.output("relu").floats().get(0, relu);
        check(x, b.shape("indices"), got, vals, relu);
        assertEquals(idx.shape(), b.shape("indices"));
        // The convenience path on the same Inferer agrees.
        Map<String, Tensor> out = inf.run(Map.of("x", Tensor.ofFloats(Shape.of(x.length), x)));
        check(
            x,
            out.get("indices").shape(),
            out.get("indices").longs(),
            out.get("values").toFloats(),
            out.get("relu").toFloats());
      }
    }
  }

  @Test
  void aPoolOfEightThreadsGivesWhatOneThreadGives() throws Exception {
    SplittableRandom r = new SplittableRandom(11);
    List<float[]> inputs = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      inputs.add(input(r, 1 + r.nextInt(4096), r.nextDouble()));
    }
    List<Map<String, Tensor>> single = new ArrayList<>();
    try (TrtEngine e = TrtEngine.load(plan)) {
      try (Inferer one = e.createInferer()) {
        for (float[] x : inputs) {
          single.add(one.run(Map.of("x", Tensor.ofFloats(Shape.of(x.length), x))));
        }
      }
      try (InfererPool pool = InfererPool.create(e, 8);
          ExecutorService ex = Executors.newFixedThreadPool(8)) {
        List<Future<Map<String, Tensor>>> f = new ArrayList<>();
        for (float[] x : inputs) {
          f.add(ex.submit(() -> pool.run(Map.of("x", Tensor.ofFloats(Shape.of(x.length), x)))));
        }
        for (int i = 0; i < inputs.size(); i++) {
          Map<String, Tensor> got = f.get(i).get();
          for (String name : List.of("indices", "values", "relu")) {
            assertEquals(single.get(i).get(name).shape(), got.get(name).shape(), name + " #" + i);
            Tensor want = single.get(i).get(name);
            if (want.dataType() == DataType.INT64) {
              assertArrayEquals(want.longs(), got.get(name).longs(), name + " #" + i);
            } else {
              assertArrayEquals(want.toFloats(), got.get(name).toFloats(), name + " #" + i);
            }
          }
          float[] x = inputs.get(i);
          check(
              x,
              got.get("indices").shape(),
              got.get("indices").longs(),
              got.get("values").toFloats(),
              got.get("relu").toFloats());
        }
      }
    }
  }

  @Test
  void anOutputAskingForMoreThanTheLimitIsNamedAndTheBindingStaysUsable() throws IOException {
    try (TrtEngine e = TrtEngine.load(plan);
        Inferer inf = e.createInferer(InfererOptions.defaults().withMaxOutputBytes(1024));
        IoBinding b = inf.createBinding()) {
      float[] many = new float[4096];
      java.util.Arrays.fill(many, 1f); // 4096 positions: 32 KiB of int64
      b.shape("x", Shape.of(many.length));
      b.input("x").floats().put(0, many);
      TrtException t = assertThrows(TrtException.class, () -> inf.run(b));
      System.out.println(t.getMessage());
      assertTrue(t.getMessage().contains("Output 'indices'"), t.getMessage());
      assertTrue(t.getMessage().contains("1024"), t.getMessage());
      assertTrue(t.getMessage().contains("withMaxOutputBytes"), t.getMessage());
      float[] few = {0f, 3f, 0f, -1f};
      b.shape("x", Shape.of(few.length));
      b.input("x").floats().put(0, few);
      inf.run(b);
      long[] got = new long[2];
      b.output("indices").longs().get(0, got);
      assertArrayEquals(new long[] {1, 3}, got);
    }
  }

  @Test
  void cudaGraphsAreOffWithTheReasonAndRunsStayRight() throws IOException {
    SplittableRandom r = new SplittableRandom(3);
    try (TrtEngine e = TrtEngine.load(plan);
        Inferer inf = e.createInferer(InfererOptions.defaults().withCudaGraphs(true));
        IoBinding b = inf.createBinding()) {
      assertFalse(inf.cudaGraphsActive());
      assertTrue(
          inf.cudaGraphFailure().contains("'indices' is data-dependent"), inf.cudaGraphFailure());
      for (int c = 0; c < 5; c++) {
        float[] x = input(r, 64, 0.5);
        b.input("x").floats().put(0, x);
        inf.run(b);
        long[] got = new long[(int) b.output("indices").elementCount()];
        b.output("indices").longs().get(0, got);
        assertArrayEquals(positions(x), got);
      }
    }
  }

  @Test
  void deviceBuffersHoldTheUpperBound() throws IOException {
    try (TrtEngine e = TrtEngine.load(plan);
        Inferer inf = e.createInferer();
        DeviceBuffers d = inf.createDeviceBuffers();
        IoBinding b = inf.createBinding(d)) {
      assertTrue(
          d.get("indices").capacity() >= 4096L * 8, "indices holds " + d.get("indices").capacity());
      float[] x = new float[4096];
      java.util.Arrays.fill(x, 2f);
      b.shape("x", Shape.of(x.length));
      d.get("x").copyFrom(Tensor.ofFloats(Shape.of(x.length), x));
      inf.run(b);
      assertEquals(Shape.of(4096, 1), b.shape("indices"));
      Tensor idx = d.get("indices").toTensor();
      assertEquals(4095L, idx.longs()[4095]);
    }
  }

  @Test
  void aStableSizeAllocatesNothingAndGrowthReturnsItsMemory() throws IOException {
    com.sun.management.ThreadMXBean mx =
        (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    SplittableRandom r = new SplittableRandom(5);
    try (TrtEngine e = TrtEngine.load(plan)) {
      long freeBefore;
      try (Inferer warm = e.createInferer()) {
        warm.run(Map.of("x", Tensor.ofFloats(Shape.of(8), new float[8])));
      }
      freeBefore = Cuda.memInfo(e.device())[0];
      try (Inferer inf = e.createInferer();
          IoBinding b = inf.createBinding()) {
        // 1000 calls that grow and shrink.
        for (int c = 0; c < 1000; c++) {
          float[] x = input(r, 1 + r.nextInt(4096), r.nextDouble());
          b.shape("x", Shape.of(x.length));
          b.input("x").floats().put(0, x);
          inf.run(b);
          assertEquals(positions(x).length, b.shape("indices").dim(0));
        }
        float[] x = input(r, 4096, 0.5);
        b.shape("x", Shape.of(x.length));
        b.input("x").floats().put(0, x);
        for (int i = 0; i < 300; i++) {
          inf.run(b);
        }
        long tid = Thread.currentThread().threadId();
        long allocated = Long.MAX_VALUE;
        StringBuilder rounds = new StringBuilder();
        for (int round = 0; round < 3; round++) {
          long before = mx.getThreadAllocatedBytes(tid);
          for (int i = 0; i < 1000; i++) {
            inf.run(b);
          }
          long a = mx.getThreadAllocatedBytes(tid) - before;
          rounds.append(rounds.length() == 0 ? "" : ", ").append(a);
          allocated = Math.min(allocated, a);
        }
        System.out.println(
            "bytes allocated by 1000 runs at a stable size, three rounds: " + rounds);
        assertEquals(0, allocated, "a data-dependent run at a stable size allocates");
      }
      long freeAfter = Cuda.memInfo(e.device())[0];
      System.out.printf(
          "device memory free before %d, after 1000 growing and shrinking calls and close %d%n",
          freeBefore, freeAfter);
      assertTrue(
          freeBefore - freeAfter < 8L << 20,
          "device memory not returned: " + (freeBefore - freeAfter) + " bytes");
    }
  }
}
