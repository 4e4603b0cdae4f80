package io.github.trt4j.internal;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Gives the C heap's free pages back to the operating system after TensorRT frees large amounts of
 * host memory. glibc's malloc keeps freed memory in its arenas (only the top of the main heap goes
 * back), so without this:
 *
 * <ul>
 *   <li>a process that built an engine keeps the builder's working memory resident: on an H100 the
 *       GPU test JVM held 4.7 GB of free-but-kept heap (RSS 5.5 GB) after building its test
 *       engines, and {@code malloc_trim(0)} gave 4.5 GB of it back;
 *   <li>a process that loads and closes engines grows by tens of MiB up to a bound set by
 *       fragmentation (SoakGpuTest: +20 MiB over 2000 load→infer→close cycles).
 * </ul>
 *
 * glibc's {@code malloc_trim(0)} returns whole free pages in every arena and frees nothing in use.
 * It walks the free lists, which took about 4–5 ms per call in that JVM, so it is called in two
 * ways: {@link #trim()} right after an engine build (seconds long anyway), and {@link #trimSoon()}
 * after an engine or execution context is deleted, which asks a daemon thread to trim one second
 * later; releases in the meantime share that one trim, so close() and the cleaner never wait for it
 * and a burst of closes costs one trim a second.
 *
 * <p>Only where the C library has {@code malloc_trim} (glibc); elsewhere, and with {@code
 * -Dtrt4j.trimNativeHeap=false}, both do nothing.
 */
public final class NativeHeap {

  /** Whether trimming is on: the system property {@code trt4j.trimNativeHeap}, true by default. */
  public static final boolean ENABLED =
      !"false".equalsIgnoreCase(System.getProperty("trt4j.trimNativeHeap", "true"));

  /** How long {@link #trimSoon()} waits, so that a burst of releases shares one trim. */
  static final long DELAY_MS = 1000;

  private static final MethodHandle MALLOC_TRIM = ENABLED ? find() : null;
  private static final AtomicBoolean SCHEDULED = new AtomicBoolean();
  private static final AtomicLong TRIMS = new AtomicLong();

  /** The daemon thread of {@link #trimSoon()}, started on first use. */
  private static final class Trimmer {
    static final ScheduledExecutorService EXECUTOR =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "trt4j-heap-trim");
              t.setDaemon(true);
              return t;
            });
  }

  private NativeHeap() {}

  private static MethodHandle find() {
    try {
      Linker linker = Linker.nativeLinker();
      return linker
          .defaultLookup()
          .find("malloc_trim")
          .map(
              a ->
                  linker.downcallHandle(
                      a, FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_LONG)))
          .orElse(null);
    } catch (RuntimeException | LinkageError e) {
      return null;
    }
  }

  /** How many times {@code malloc_trim} was called (for tests). */
  static long trims() {
    return TRIMS.get();
  }

  /** Whether {@link #trim()} calls {@code malloc_trim} here. */
  public static boolean active() {
    return MALLOC_TRIM != null;
  }

  /**
   * Asks for a {@link #trim()} about a second from now, unless one is already pending; returns at
   * once. For release paths (close, the cleaner).
   */
  public static void trimSoon() {
    if (MALLOC_TRIM == null || !SCHEDULED.compareAndSet(false, true)) {
      return;
    }
    try {
      Trimmer.EXECUTOR.schedule(
          () -> {
            SCHEDULED.set(false);
            trim();
          },
          DELAY_MS,
          TimeUnit.MILLISECONDS);
    } catch (RuntimeException e) {
      SCHEDULED.set(false);
    }
  }

  /** {@code malloc_trim(0)} now, where available; never throws. */
  public static void trim() {
    if (MALLOC_TRIM == null) {
      return;
    }
    TRIMS.incrementAndGet();
    try {
      int ignored = (int) MALLOC_TRIM.invokeExact(0L);
    } catch (Throwable t) {
      // Returning memory is an optimization: nothing to report to the caller.
    }
  }
}
