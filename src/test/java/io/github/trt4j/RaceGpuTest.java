package io.github.trt4j;

import static io.github.trt4j.RaceSupport.MIB;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.trt4j.RaceSupport.Outcomes;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Closing races: every call that meets a concurrent close() (or a garbage collection of its object)
 * either returns a correct value or throws IllegalStateException; nothing crashes the JVM, hangs or
 * leaks. Each test runs 1000 + 10 000 iterations on a few threads and prints its outcome counts;
 * GPU memory after the 10 000 must be what it was after the first 1000 (see {@link
 * RaceSupport#lanesCheckingGpu}). Plans are built once (building costs seconds) and loaded from a
 * byte[] (no file I/O).
 */
@GpuTest
@Timeout(value = 360, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class RaceGpuTest {

  static final int ITERATIONS = 10_000;

  /** GPU memory may move by this much over a test (allocator granularity; a leak is far more). */
  static final long GPU_TOLERANCE = 4 * MIB;

  static byte[] single;
  static byte[] dynamic;

  @BeforeAll
  static void plans() throws Exception {
    single = Files.readAllBytes(TestModels.engine("single"));
    dynamic = Files.readAllBytes(TestModels.engine("dynamic"));
  }

  /**
   * One load, run (both paths) and close before a GPU memory baseline: CUDA loads kernels lazily on
   * their first use and keeps them, which would read as a leak.
   */
  static void warmUp(byte[] plan, Map<String, Tensor> in) {
    try (TrtEngine e = TrtEngine.load(plan);
        Inferer inf = e.createInferer();
        IoBinding b = inf.createBinding()) {
      inf.run(in);
      in.forEach(
          (k, v) -> {
            b.input(k).copyFrom(v);
            b.shape(k, v.shape());
          });
      inf.run(b);
      inf.enqueue(b).await();
    }
  }

  static Map<String, Tensor> singleInput() throws java.io.IOException {
    return Map.of("input", TestModels.npy("single.in.input.npy"));
  }

  /** What a getter must return: the values of an engine loaded from the same plan. */
  record Expected(long deviceMemory, int profiles, int layers, List<TensorSpec> tensors) {
    static Expected of(byte[] plan) {
      try (TrtEngine e = TrtEngine.load(plan)) {
        return new Expected(e.deviceMemorySize(), e.profileCount(), e.layerCount(), e.tensors());
      }
    }

    /** Calls getter {@code k % 4} and says whether its value is right. */
    boolean check(TrtEngine e, int k) {
      return switch (k & 3) {
        case 0 -> e.deviceMemorySize() == deviceMemory;
        case 1 -> e.profileCount() == profiles;
        case 2 -> e.layerCount() == layers;
        default -> e.tensors().equals(tensors);
      };
    }
  }

  @Test
  void gettersRaceClose() throws Exception {
    Expected want = Expected.of(single);
    warmUp(single, singleInput());
    Outcomes o = new Outcomes();
    long t0 = System.nanoTime();
    RaceSupport.lanesCheckingGpu(
        "getters vs close",
        4,
        2,
        ITERATIONS,
        GPU_TOLERANCE,
        (i, helpers, random) -> {
          TrtEngine e = TrtEngine.load(single);
          CountDownLatch go = new CountDownLatch(1);
          List<Future<?>> getters = new ArrayList<>();
          for (int g = 0; g < 2; g++) {
            int first = g;
            getters.add(
                helpers.submit(
                    () -> {
                      go.await();
                      // Until the close shows: tensors() is plain Java and never throws, so it is
                      // only one
                      // of the four calls made in turn.
                      for (int k = first; k < first + 4_000_000; k++) {
                        try {
                          if (want.check(e, k)) {
                            o.value();
                          } else {
                            o.other(
                                new AssertionError(
                                    "getter " + (k & 3) + " returned a wrong value"));
                          }
                        } catch (IllegalStateException closed) {
                          o.closed(closed);
                          return null;
                        } catch (RuntimeException | Error x) {
                          o.other(x);
                          return null;
                        }
                      }
                      o.other(
                          new AssertionError("4 000 000 getter calls and the close never showed"));
                      return null;
                    }));
          }
          go.countDown();
          RaceSupport.randomPause(random, 100);
          e.close();
          for (Future<?> f : getters) {
            RaceSupport.get(f, "a getter racing close()");
          }
          assertTrue(e.isClosed());
          assertThrows(IllegalStateException.class, e::layerCount, "a getter after close()");
        });
    o.print("getters vs close", RaceSupport.WARM_ITERATIONS + ITERATIONS, t0, "");
    o.assertNoOther("getters vs close");
  }

  @Test
  void createInfererRacesClose() throws Exception {
    warmUp(single, singleInput());
    Outcomes o = new Outcomes();
    LongAdder leftOpen = new LongAdder();
    long t0 = System.nanoTime();
    RaceSupport.lanesCheckingGpu(
        "createInferer vs close",
        4,
        2,
        ITERATIONS,
        GPU_TOLERANCE,
        (i, helpers, random) -> {
          TrtEngine e = TrtEngine.load(single);
          ConcurrentLinkedQueue<Inferer> created = new ConcurrentLinkedQueue<>();
          CountDownLatch go = new CountDownLatch(1);
          List<Future<?>> creators = new ArrayList<>();
          for (int c = 0; c < 2; c++) {
            creators.add(
                helpers.submit(
                    () -> {
                      go.await();
                      // Two creations each at most (contexts cost more than getters), then one
                      // after the close.
                      for (int k = 0; ; k++) {
                        if (k == 2) {
                          while (!e.isClosed() && !Thread.currentThread().isInterrupted()) {
                            Thread.onSpinWait();
                          }
                        }
                        try {
                          created.add(e.createInferer());
                          if (k >= 2) {
                            o.other(
                                new AssertionError(
                                    "createInferer() succeeded after close() had begun"));
                            return null;
                          }
                          o.value();
                        } catch (IllegalStateException closed) {
                          o.closed(closed);
                          return null;
                        } catch (RuntimeException | Error x) {
                          o.other(x);
                          return null;
                        }
                      }
                    }));
          }
          go.countDown();
          RaceSupport.randomPause(random, 300);
          e.close();
          for (Future<?> f : creators) {
            RaceSupport.get(f, "createInferer racing close()");
          }
          for (Inferer inf : created) {
            if (!inf.isClosed()) {
              leftOpen.increment();
              inf.close();
            }
          }
        });
    o.print(
        "createInferer vs close",
        RaceSupport.WARM_ITERATIONS + ITERATIONS,
        t0,
        ", " + leftOpen.sum() + " Inferers left open");
    o.assertNoOther("createInferer vs close");
    assertEquals(0, leftOpen.sum(), "Inferers created before close() must be closed by it");
  }

  @Test
  void infererCloseRacesRuns() throws Exception {
    Tensor x7 = TestModels.npy("dynamic.in.x.b7.npy");
    Tensor x16 = TestModels.npy("dynamic.in.x.b16.npy");
    float[] y7 = TestModels.npy("dynamic.out.y.b7.npy").floats();
    float[] y16 = TestModels.npy("dynamic.out.y.b16.npy").floats();
    warmUp(dynamic, Map.of("x", x7));
    Outcomes o = new Outcomes();
    long t0 = System.nanoTime();
    try (TrtEngine e = TrtEngine.load(dynamic)) {
      // Each lane: one Inferer, five threads running it (two batch sizes; run(Map), run(IoBinding)
      // filled by copy or through the view, enqueue + await) and a close.
      // Eight lanes at once: each iteration creates and closes an Inferer and three bindings.
      RaceSupport.lanesCheckingGpu(
          "Inferer.close vs runs",
          8,
          5,
          ITERATIONS,
          GPU_TOLERANCE,
          (i, helpers, random) -> {
            Inferer inf = e.createInferer();
            CountDownLatch go = new CountDownLatch(1);
            List<Future<?>> runners = new ArrayList<>();
            runners.add(helpers.submit(() -> mapRuns(inf, go, x7, y7, o)));
            runners.add(helpers.submit(() -> mapRuns(inf, go, x16, y16, o)));
            runners.add(helpers.submit(() -> bindingRuns(inf, go, x7, y7, Fill.COPY, o)));
            runners.add(helpers.submit(() -> bindingRuns(inf, go, x16, y16, Fill.VIEW, o)));
            runners.add(helpers.submit(() -> bindingRuns(inf, go, x7, y7, Fill.ENQUEUE, o)));
            go.countDown();
            RaceSupport.randomPause(random, 500);
            inf.close();
            for (Future<?> f : runners) {
              RaceSupport.get(f, "a run racing Inferer.close()");
            }
            assertThrows(
                IllegalStateException.class, () -> inf.run(Map.of("x", x7)), "run after close()");
          });
    }
    o.print(
        "Inferer.close vs run(Map)/run(IoBinding)/enqueue",
        RaceSupport.WARM_ITERATIONS + ITERATIONS,
        t0,
        "");
    o.assertNoOther("Inferer.close vs runs");
  }

  /** run(Map) until the close shows; every result checked against ONNX Runtime's. */
  private static Void mapRuns(Inferer inf, CountDownLatch go, Tensor x, float[] want, Outcomes o)
      throws InterruptedException {
    go.await();
    for (int k = 0; k < 100_000; k++) {
      try {
        float[] got = inf.run(Map.of("x", x)).get("y").floats();
        if (RaceSupport.closeTo(want, got)) {
          o.value();
        } else {
          o.other(new AssertionError("run(Map) batch " + x.shape() + ": wrong output"));
        }
      } catch (IllegalStateException closed) {
        o.closed(closed);
        return null;
      } catch (RuntimeException | Error t) {
        o.other(t);
        return null;
      }
    }
    o.other(new AssertionError("100 000 runs and the close never showed"));
    return null;
  }

  /** How a binding runner fills its input and runs. */
  enum Fill {
    /** HostTensor.copyFrom, run(IoBinding). */
    COPY,
    /** The reused FloatBuffer view, run(IoBinding). */
    VIEW,
    /** copyFrom, enqueue(IoBinding) and Completion.await(). */
    ENQUEUE
  }

  /**
   * A binding of this thread's own, run until the close shows: filling, running, awaiting and
   * reading all race it.
   */
  private static Void bindingRuns(
      Inferer inf, CountDownLatch go, Tensor x, float[] want, Fill fill, Outcomes o)
      throws InterruptedException {
    go.await();
    float[] xs = x.floats();
    try {
      IoBinding b = inf.createBinding();
      b.shape("x", x.shape());
      for (int k = 0; k < 100_000; k++) {
        if (fill == Fill.VIEW) {
          b.input("x").floats().put(0, xs);
        } else {
          b.input("x").copyFrom(x);
        }
        if (fill == Fill.ENQUEUE) {
          inf.enqueue(b).await();
        } else {
          inf.run(b);
        }
        float[] got = b.output("y").toTensor().floats();
        if (RaceSupport.closeTo(want, got)) {
          o.value();
        } else {
          o.other(new AssertionError("run(IoBinding) batch " + x.shape() + ": wrong output"));
        }
      }
      o.other(new AssertionError("100 000 runs and the close never showed"));
    } catch (IllegalStateException closed) {
      o.closed(closed);
    } catch (RuntimeException | Error t) {
      o.other(t);
    }
    return null;
  }

  @Test
  void engineCollectedMidCall() throws Exception {
    Expected want = Expected.of(single);
    Tensor in = TestModels.npy("single.in.input.npy");
    float[] out = TestModels.npy("single.out.output.npy").floats();
    warmUp(single, singleInput());
    Outcomes o = new Outcomes();
    AtomicBoolean stop = new AtomicBoolean();
    LongAdder gcs = new LongAdder();
    // GC pressure: garbage for young collections (which find the young, unreachable engines)
    // and full System.gc()s, spaced so that they take about a fifth of the time.
    Thread gc =
        Thread.ofPlatform()
            .name("gc-pressure")
            .start(
                () -> {
                  long next = 0;
                  byte[][] sink = new byte[16][];
                  try {
                    while (!stop.get()) {
                      for (int k = 0; k < sink.length; k++) {
                        sink[k] = new byte[16 * 1024];
                      }
                      if (System.nanoTime() >= next) {
                        long g0 = System.nanoTime();
                        System.gc();
                        gcs.increment();
                        long took = System.nanoTime() - g0;
                        next = System.nanoTime() + Math.max(20_000_000L, 4 * took);
                      }
                      Thread.sleep(1);
                    }
                  } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                  }
                });
    long t0 = System.nanoTime();
    try {
      // Every engine, context and binding left unclosed is released by the cleaners: the memory
      // check waits for them.
      RaceSupport.lanesCheckingGpu(
          "GC mid-call",
          4,
          1,
          ITERATIONS,
          GPU_TOLERANCE,
          (i, helpers, random) -> {
            try {
              // The engine (and, every 8th time, the Inferer) is referenced by this frame only:
              // once
              // the call has read what it needs, nothing keeps the object reachable but the call.
              boolean right =
                  i % 8 == 7
                      ? RaceSupport.closeTo(
                          out,
                          TrtEngine.load(single)
                              .createInferer()
                              .run(Map.of("input", in))
                              .get("output")
                              .floats())
                      : want.check(TrtEngine.load(single), i);
              if (right) {
                o.value();
              } else {
                o.other(new AssertionError("iteration " + i + ": wrong value"));
              }
            } catch (RuntimeException x) {
              // No one closes these engines: even IllegalStateException here would mean a collected
              // engine was used.
              o.other(x);
            }
          });
    } finally {
      stop.set(true);
      gc.join(TimeUnit.SECONDS.toMillis(RaceSupport.HANG_SECONDS));
    }
    o.print(
        "GC of unreachable engines mid-call",
        RaceSupport.WARM_ITERATIONS + ITERATIONS,
        t0,
        ", " + gcs.sum() + " System.gc()");
    o.assertNoOther("GC mid-call");
  }
}
