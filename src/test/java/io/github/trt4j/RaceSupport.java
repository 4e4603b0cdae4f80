package io.github.trt4j;

import static org.junit.jupiter.api.Assertions.fail;

import io.github.trt4j.internal.Cuda;
import io.github.trt4j.internal.LiveNatives;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Queue;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * What the race tests share: outcome counters, lanes of threads that each work through a share of
 * the iterations, a close delayed by a random few microseconds, and a GPU memory check.
 */
final class RaceSupport {

  static final long MIB = 1 << 20;

  /** A racing call that takes this long is taken for a hang (one takes milliseconds). */
  static final long HANG_SECONDS = 60;

  /** A whole lane (thousands of iterations) that takes this long is taken for a hang. */
  static final long LANE_SECONDS = 280;

  private RaceSupport() {}

  /** Counts of what the racing calls did; anything "other" fails the test, with examples. */
  static final class Outcomes {
    final LongAdder values = new LongAdder();
    final LongAdder closed = new LongAdder();
    final LongAdder other = new LongAdder();
    private final Queue<Throwable> examples = new ConcurrentLinkedQueue<>();

    /** A correct value. */
    void value() {
      values.increment();
    }

    /** The IllegalStateException a call on something closed must throw. */
    void closed(IllegalStateException e) {
      closed.increment();
    }

    /** Anything else: a wrong value, another exception. */
    void other(Throwable t) {
      other.increment();
      if (examples.size() < 5) {
        examples.add(t);
      }
    }

    void print(String what, long iterations, long startNanos, String extra) {
      System.out.printf(
          Locale.ROOT,
          "%s: %d iterations, %d values, %d IllegalStateException, %d other%s (%.1f s)%n",
          what,
          iterations,
          values.sum(),
          closed.sum(),
          other.sum(),
          extra,
          (System.nanoTime() - startNanos) / 1e9);
    }

    void assertNoOther(String what) {
      if (other.sum() > 0) {
        AssertionError e =
            new AssertionError(
                what
                    + ": "
                    + other.sum()
                    + " outcomes were neither a correct value nor IllegalStateException; first ones attached");
        examples.forEach(e::addSuppressed);
        throw e;
      }
    }
  }

  /** One iteration of a lane: its index, the lane's helper threads, and its random source. */
  interface Iteration {
    void run(int index, ExecutorService helpers, SplittableRandom random) throws Exception;
  }

  /**
   * Runs {@code iterations} iterations on {@code lanes} threads, each lane with {@code helpers}
   * threads of its own for the calls that race its iteration. An exception that escapes an
   * iteration fails the test.
   */
  static void lanes(int lanes, int helpers, int iterations, Iteration body) throws Exception {
    AtomicInteger next = new AtomicInteger();
    ExecutorService pool = Executors.newFixedThreadPool(lanes);
    List<Future<?>> done = new ArrayList<>();
    try {
      for (int l = 0; l < lanes; l++) {
        long seed = 0x7ace + l;
        done.add(
            pool.submit(
                () -> {
                  ExecutorService h = Executors.newFixedThreadPool(helpers);
                  SplittableRandom random = new SplittableRandom(seed);
                  try {
                    for (int i = next.getAndIncrement();
                        i < iterations;
                        i = next.getAndIncrement()) {
                      body.run(i, h, random);
                      if ((i + 1) % 1000 == 0) {
                        System.out.println(
                            "  ... " + (i + 1) + " of " + iterations + " iterations");
                      }
                    }
                  } finally {
                    h.shutdownNow();
                  }
                  return null;
                }));
      }
      for (Future<?> f : done) {
        get(f, "a lane", LANE_SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
  }

  /** Iterations a race runs before its GPU memory baseline. */
  static final int WARM_ITERATIONS = 1000;

  /**
   * Device memory the driver may keep per engine alive at the high-water mark: GpuMemoryDiagnostic
   * on an H100 saw 2, 6, 14 and 32 MiB stay missing after 4, 8, 16 and 32 engines of the race
   * tests' plan had been open at once and closed, and nothing more when the same peak came again.
   */
  static final long HIGH_WATER_PER_ENGINE = 2 * MIB;

  /** How long the cleaners get to release what a race left unclosed. */
  static final long RELEASE_SECONDS = 60;

  /**
   * {@link #lanes} twice, {@link #WARM_ITERATIONS} iterations and then {@code iterations} more,
   * with two checks after each phase:
   *
   * <ul>
   *   <li>every engine and execution context the race created is deleted (closed, or released by
   *       the cleaners) within {@link #RELEASE_SECONDS}: counted exactly ({@link LiveNatives});
   *   <li>after the second phase, GPU free memory is back at its value after the first within
   *       {@code tolerance}. The baseline comes after a warm-up of the race itself, not of one
   *       thread: the driver keeps device memory up to the high-water mark of engines alive at
   *       once, and a race keeps several alive. If the second phase had more engines alive at once
   *       than the first (the GC race: the collector decides how many wait for the cleaner), {@link
   *       #HIGH_WATER_PER_ENGINE} per extra engine is allowed on top; a leak grows with the
   *       iterations instead.
   * </ul>
   */
  static void lanesCheckingGpu(
      String what, int lanes, int helpers, int iterations, long tolerance, Iteration body)
      throws Exception {
    settleLive();
    int engines0 = LiveNatives.engines();
    int contexts0 = LiveNatives.contexts();
    long gpu0 = steadyGpuFree();
    LiveNatives.resetPeakEngines();
    lanes(lanes, helpers, WARM_ITERATIONS, body);
    awaitReleased(what + " (warm-up)", engines0, contexts0);
    int peak1 = LiveNatives.peakEngines();
    long gpu1 = steadyGpuFree();
    System.out.printf(
        Locale.ROOT,
        "%s: GPU free memory %d -> %d MiB over %d warm-up iterations (%+.2f MiB), at most %d engines alive at once%n",
        what,
        gpu0 / MIB,
        gpu1 / MIB,
        WARM_ITERATIONS,
        (gpu1 - gpu0) / (double) MIB,
        peak1);
    LiveNatives.resetPeakEngines();
    lanes(lanes, helpers, iterations, body);
    awaitReleased(what, engines0, contexts0);
    int peak2 = LiveNatives.peakEngines();
    long allowed = tolerance + HIGH_WATER_PER_ENGINE * Math.max(0, peak2 - peak1);
    assertGpuMemoryBack(
        what
            + ", "
            + iterations
            + " iterations after the warm-up (at most "
            + peak2
            + " engines alive at once)",
        gpu1,
        allowed);
  }

  /**
   * GCs until the live engine and context counts stop changing: what earlier tests left to the
   * cleaners is released before a race counts, so that it cannot raise free memory in the middle.
   */
  static void settleLive() throws InterruptedException {
    long last = -1;
    for (int i = 0; i < 40; i++) {
      settle();
      long now = ((long) LiveNatives.engines() << 32) | LiveNatives.contexts();
      if (now == last) {
        return;
      }
      last = now;
    }
  }

  /**
   * Fails unless the live engines and contexts come back to {@code engines0} and {@code contexts0}
   * within {@link #RELEASE_SECONDS}, GC'ing meanwhile so that the cleaners see what is unreachable.
   */
  static void awaitReleased(String what, int engines0, int contexts0) throws InterruptedException {
    long t0 = System.nanoTime();
    long deadline = t0 + TimeUnit.SECONDS.toNanos(RELEASE_SECONDS);
    while (LiveNatives.engines() > engines0 || LiveNatives.contexts() > contexts0) {
      if (System.nanoTime() > deadline) {
        fail(
            String.format(
                Locale.ROOT,
                "%s: %d engines and %d execution contexts still alive %d s after the race"
                    + " (before it: %d and %d): leaked",
                what,
                LiveNatives.engines(),
                LiveNatives.contexts(),
                RELEASE_SECONDS,
                engines0,
                contexts0));
      }
      settle();
    }
    System.out.printf(
        Locale.ROOT,
        "%s: every engine and context released (%d and %d alive) after %.1f s%n",
        what,
        LiveNatives.engines(),
        LiveNatives.contexts(),
        (System.nanoTime() - t0) / 1e9);
  }

  /** The future's result; a hang or an exception fails the test and says where. */
  static <T> T get(Future<T> f, String what) throws Exception {
    return get(f, what, HANG_SECONDS);
  }

  static <T> T get(Future<T> f, String what, long seconds) throws Exception {
    try {
      return f.get(seconds, TimeUnit.SECONDS);
    } catch (TimeoutException e) {
      throw new AssertionError(what + " did not finish in " + seconds + " s (hang?)", e);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof Exception x) {
        throw x;
      }
      throw new AssertionError(what + " failed", e.getCause());
    }
  }

  /**
   * Waits a random few microseconds (none a third of the time), so that the close lands before,
   * during and after the racing calls' native work.
   */
  static void randomPause(SplittableRandom random, int maxMicros) {
    if (random.nextInt(3) == 0) {
      return;
    }
    long until = System.nanoTime() + random.nextInt(maxMicros * 1000 + 1);
    while (System.nanoTime() < until) {
      Thread.onSpinWait();
    }
  }

  /** GC twice with a pause, so that cleaners have run. */
  static void settle() throws InterruptedException {
    System.gc();
    Thread.sleep(200);
    System.gc();
    Thread.sleep(100);
  }

  /** Free memory on device 0. */
  static long gpuFree() {
    return Cuda.memInfo(0)[0];
  }

  /**
   * Free memory on device 0 once earlier tests' unclosed objects are released: GC until two
   * readings agree (a baseline that the cleaners would move later reads as a leak).
   */
  static long steadyGpuFree() throws InterruptedException {
    long last = -1;
    for (int i = 0; i < 20; i++) {
      settle();
      long now = gpuFree();
      if (now == last) {
        return now;
      }
      last = now;
    }
    return last;
  }

  /**
   * Fails unless free GPU memory comes back to {@code before} within {@code tolerance} bytes,
   * polling for a few seconds (the cleaner thread may still be releasing).
   */
  static void assertGpuMemoryBack(String what, long before, long tolerance)
      throws InterruptedException {
    long now = 0;
    for (int i = 0; i < 20; i++) {
      settle();
      now = gpuFree();
      if (Math.abs(before - now) <= tolerance) {
        break;
      }
    }
    System.out.printf(
        Locale.ROOT,
        "%s: GPU free memory %d -> %d MiB (drift %+.2f MiB)%n",
        what,
        before / MIB,
        now / MIB,
        (before - now) / (double) MIB);
    if (Math.abs(before - now) > tolerance) {
      fail(
          String.format(
              Locale.ROOT,
              "%s: GPU free memory moved by %.2f MiB (allowed %.2f MiB)",
              what,
              (before - now) / (double) MIB,
              tolerance / (double) MIB));
    }
  }

  /** |got - want| <= atol + rtol * |want| everywhere (the FP32 tolerances of {@link Reference}). */
  static boolean closeTo(float[] want, float[] got) {
    if (want.length != got.length) {
      return false;
    }
    for (int i = 0; i < want.length; i++) {
      double err = Math.abs((double) got[i] - want[i]);
      if (Float.isNaN(got[i])
          || err > Reference.FP32_ATOL + Reference.FP32_RTOL * Math.abs(want[i])) {
        return false;
      }
    }
    return true;
  }
}
