package io.github.trt4j;

import static io.github.trt4j.ProcessMemory.MIB;

import io.github.trt4j.internal.Cuda;
import io.github.trt4j.internal.trt.EngineHandle;
import io.github.trt4j.internal.trt.NativeDelete;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.tensorrt.nvinfer.IExecutionContext;

/**
 * Where does RSS go when execution contexts are created and closed? (The 500-cycle test saw about
 * 90 KB per cycle, and none for load/close alone or for inferences alone.) Each mode repeats one
 * step N times on one engine and prints, every 500: RSS, its growth per iteration, threads, glibc's
 * heap (bytes in use vs free bytes kept: a leak grows the first, retention the second), JavaCPP's
 * tracked bytes and GPU free memory; at the end of a mode, RSS again after malloc_trim(0), which
 * returns what malloc merely keeps. Measured, never asserted.
 *
 * <p>Modes: {@code stream} (cudaStreamCreate/Destroy only), {@code raw-context} (TensorRT's
 * createExecutionContext and delete, no trt4j object), {@code inferer} (Inferer create/close, no
 * run), {@code inferer-run} (Inferer + one run(Map) + close), {@code binding} (Inferer +
 * createBinding + close, no run), {@code pinned} (page-locked host tensors like a binding's,
 * allocated and freed without one), {@code load} (engine load/close), or {@code all}.
 *
 * <p>Run on the GPU host: {@code gpu.sh run io.github.trt4j.ContextRssDiagnostic [N] [MODES]
 * [ENGINE]} (default 5000, all, the seed test engine); again with {@code MALLOC_ARENA_MAX=2} in the
 * environment to see whether glibc's per-thread arenas are the cause, and with {@code
 * -Dtrt4j.trimNativeHeap=false} to see what trimming after each close (NativeHeap) changes and
 * costs.
 */
public final class ContextRssDiagnostic {

  public static void main(String[] args) throws Exception {
    int n = args.length > 0 ? Integer.parseInt(args[0]) : 5000;
    String modes = args.length > 1 ? args[1] : "all";
    Path enginePath = args.length > 2 ? Path.of(args[2]) : TestModels.engine("seed");
    byte[] plan = Files.readAllBytes(enginePath);
    System.out.printf(
        Locale.ROOT,
        "engine %s (%d bytes), N=%d, MALLOC_ARENA_MAX=%s, malloc_trim after close %s, TensorRT %s%n",
        enginePath,
        plan.length,
        n,
        System.getenv("MALLOC_ARENA_MAX"),
        io.github.trt4j.internal.NativeHeap.active() ? "on" : "off",
        TrtEngine.tensorRtVersion());
    List<String> order =
        modes.equals("all")
            ? List.of(
                "stream", "raw-context", "inferer", "pinned", "binding", "inferer-run", "load")
            : List.of(modes.split(","));
    Map<String, Tensor> seedIn =
        enginePath.getFileName().toString().startsWith("seed")
            ? InferenceGpuTest.seedInputs()
            : null;
    try (TrtEngine engine = TrtEngine.load(plan)) {
      for (String mode : order) {
        run(mode, n, plan, engine, seedIn);
      }
    }
  }

  /** One step of a mode. */
  interface Step {
    void run() throws Exception;
  }

  private static void run(String mode, int n, byte[] plan, TrtEngine engine, Map<String, Tensor> in)
      throws Exception {
    Step step =
        switch (mode) {
          case "stream" ->
              () -> {
                long s = Cuda.createStream();
                Cuda.destroyStream(s);
              };
          case "raw-context" -> rawContext(plan);
          case "inferer" -> () -> engine.createInferer().close();
          case "binding" ->
              () -> {
                try (Inferer i = engine.createInferer()) {
                  i.createBinding();
                }
              };
          case "inferer-run" ->
              () -> {
                try (Inferer i = engine.createInferer()) {
                  if (in != null) {
                    i.run(in);
                  } else {
                    i.run(i.createBinding());
                  }
                }
              };
          case "pinned" ->
              () -> {
                // What a binding allocates on the host, without the binding: one pinned tensor per
                // I/O.
                for (TensorSpec s : engine.tensors()) {
                  Shape shape = s.shape().isDynamic() ? Shape.of(4096) : s.shape();
                  HostTensor.allocate(s.dataType(), shape).close();
                }
              };
          case "load" -> () -> TrtEngine.load(plan).close();
          default ->
              throw new IllegalArgumentException(
                  "mode "
                      + mode
                      + "; modes are stream, raw-context, inferer, pinned, binding, inferer-run, load, all");
        };
    // Warm-up, so that the first allocations of a kind are not counted as growth.
    for (int i = 0; i < 100; i++) {
      step.run();
    }
    long rss0 = ProcessMemory.settledRss();
    long gpu0 = Cuda.memInfo(0)[0];
    long t0 = System.nanoTime();
    System.out.printf(
        Locale.ROOT,
        "%-11s start: RSS %d MiB, threads %d, %s%n",
        mode,
        rss0 / MIB,
        ProcessMemory.status("Threads"),
        ProcessMemory.mallocSummary());
    for (int i = 1; i <= n; i++) {
      step.run();
      if (i % 500 == 0 || i == n) {
        long rss = ProcessMemory.settledRss();
        System.out.printf(
            Locale.ROOT,
            "%-11s %6d: RSS %d MiB (%+.1f MiB, %+.1f KB/iter), threads %d, %s, JavaCPP %d KB,"
                + " GPU free %+.2f MiB%n",
            mode,
            i,
            rss / MIB,
            (rss - rss0) / (double) MIB,
            (rss - rss0) / 1024.0 / i,
            ProcessMemory.status("Threads"),
            ProcessMemory.mallocSummary(),
            org.bytedeco.javacpp.Pointer.totalBytes() / 1024,
            (Cuda.memInfo(0)[0] - gpu0) / (double) MIB);
      }
    }
    long before = ProcessMemory.settledRss();
    boolean trimmed = ProcessMemory.mallocTrim();
    long after = ProcessMemory.rss();
    System.out.printf(
        Locale.ROOT,
        "%-11s end: %d iterations in %.1f s; RSS %+.1f MiB; after malloc_trim(0)%s: %+.1f MiB%n",
        mode,
        n,
        (System.nanoTime() - t0) / 1e9,
        (before - rss0) / (double) MIB,
        trimmed ? "" : " (unavailable)",
        (after - rss0) / (double) MIB);
  }

  /** createExecutionContext and C++ delete straight on TensorRT: no stream, no trt4j object. */
  private static Step rawContext(byte[] plan) {
    BytePointer bytes = new BytePointer(plan);
    EngineHandle h = EngineHandle.deserialize(bytes.address(), plan.length, 0, "raw-context");
    return () -> {
      IExecutionContext c = h.createContext(0);
      NativeDelete.delete(c, NativeDelete.NO_COPY_SLOT);
    };
  }
}
