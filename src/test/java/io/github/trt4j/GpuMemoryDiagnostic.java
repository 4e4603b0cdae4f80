package io.github.trt4j;

import static io.github.trt4j.RaceSupport.MIB;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CyclicBarrier;

/**
 * Where does device memory go that the race tests saw missing after everything was closed (+12 MiB
 * after createInferer-vs-close on 4 lanes, +36 MiB after the GC race), when a single-threaded soak
 * of the same operations drifts by 0.00 MiB? Two hypotheses, each a mode; both print GPU free
 * memory against the start after every round (everything closed, GC settled) and what the default
 * stream-ordered memory pool reserves. Measured, never asserted.
 *
 * <ul>
 *   <li>{@code peak}: K engines, each with an Inferer and one run, open at once, then all closed; K
 *       = 1, 2, 4, 8, 16, 32, each twice. If what stays missing depends on the peak K and does not
 *       grow when the same K comes again, it is memory the driver keeps at its high-water mark
 *       (freed engines' code and data), bounded, not a leak.
 *   <li>{@code threads}: T new threads each load, create an Inferer, run and close, first all at
 *       once (a barrier), then one after another; T = 1, 4, 16, 64. Separates per-thread state from
 *       concurrency.
 * </ul>
 *
 * <p>Run on the GPU host: {@code gpu.sh run io.github.trt4j.GpuMemoryDiagnostic [MODES] [ENGINE]}
 * (default {@code peak,threads}, the {@code single} test engine).
 */
public final class GpuMemoryDiagnostic {

  public static void main(String[] args) throws Exception {
    String modes = args.length > 0 ? args[0] : "peak,threads";
    Path enginePath = args.length > 1 ? Path.of(args[1]) : TestModels.engine("single");
    byte[] plan = Files.readAllBytes(enginePath);
    Map<String, Tensor> in =
        enginePath.getFileName().toString().startsWith("single")
            ? Map.of("input", TestModels.npy("single.in.input.npy"))
            : null;
    // Warm-up: lazily loaded kernels and the first context's one-time state.
    for (int i = 0; i < 3; i++) {
      cycle(plan, in);
    }
    long start = RaceSupport.steadyGpuFree();
    System.out.printf(
        Locale.ROOT,
        "engine %s (%d bytes), start: GPU free %d MiB, %s%n",
        enginePath,
        plan.length,
        start / MIB,
        pools());
    for (String mode : modes.split(",")) {
      switch (mode) {
        case "peak" -> {
          for (int k : new int[] {1, 2, 4, 8, 16, 32, 1, 32}) {
            for (int round = 1; round <= 2; round++) {
              List<AutoCloseable> open = new ArrayList<>();
              for (int j = 0; j < k; j++) {
                TrtEngine e = TrtEngine.load(plan);
                Inferer inf = e.createInferer();
                open.add(e);
                open.add(inf);
                run(inf, in);
              }
              for (int j = open.size() - 1; j >= 0; j--) {
                open.get(j).close();
              }
              report("peak K=" + k + " round " + round, start);
            }
          }
        }
        case "threads" -> {
          for (int t : new int[] {1, 4, 16, 64}) {
            for (boolean together : new boolean[] {true, false}) {
              CyclicBarrier barrier = new CyclicBarrier(together ? t : 1);
              List<Thread> threads = new ArrayList<>();
              List<Throwable> failed = java.util.Collections.synchronizedList(new ArrayList<>());
              for (int j = 0; j < t; j++) {
                Thread th =
                    Thread.ofPlatform()
                        .unstarted(
                            () -> {
                              try {
                                barrier.await();
                                cycle(plan, in);
                              } catch (Throwable x) {
                                failed.add(x);
                              }
                            });
                threads.add(th);
                if (!together) {
                  th.start();
                  th.join();
                }
              }
              if (together) {
                threads.forEach(Thread::start);
                for (Thread th : threads) {
                  th.join();
                }
              }
              report(
                  "threads T="
                      + t
                      + (together ? " at once" : " in turn")
                      + (failed.isEmpty() ? "" : " FAILED " + failed.get(0)),
                  start);
            }
          }
        }
        default -> throw new IllegalArgumentException("mode " + mode + "; modes are peak, threads");
      }
    }
  }

  private static void cycle(byte[] plan, Map<String, Tensor> in) {
    try (TrtEngine e = TrtEngine.load(plan);
        Inferer inf = e.createInferer()) {
      run(inf, in);
    }
  }

  private static void run(Inferer inf, Map<String, Tensor> in) {
    if (in != null) {
      inf.run(in);
    } else {
      try (IoBinding b = inf.createBinding()) {
        inf.run(b);
      }
    }
  }

  private static void report(String what, long start) throws InterruptedException {
    long now = RaceSupport.steadyGpuFree();
    System.out.printf(
        Locale.ROOT,
        "%-26s GPU free %+8.2f MiB vs start, %d engines and %d contexts alive, %s%n",
        what,
        (now - start) / (double) MIB,
        io.github.trt4j.internal.LiveNatives.engines(),
        io.github.trt4j.internal.LiveNatives.contexts(),
        pools());
  }

  /** The driver-API build allocates through cuMemAlloc only: no stream-ordered or graph pools. */
  private static String pools() {
    return "no stream-ordered pools (cuMemAlloc only)";
  }
}
