package io.github.trt4j;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SegmentAllocator;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * What the process holds, for the soak test and the RSS diagnostic: VmRSS and thread count from
 * /proc/self/status, and glibc's own view of the C heap (mallinfo2: bytes in use vs free bytes it
 * keeps), which tells a leak (in-use grows) from memory malloc retains (free grows).
 */
final class ProcessMemory {

  static final long MIB = 1 << 20;

  private static final Linker LINKER = Linker.nativeLinker();
  private static final MethodHandle MALLINFO2 =
      find(
          "mallinfo2",
          FunctionDescriptor.of(
              MemoryLayout.structLayout(
                  java.util.Collections.nCopies(10, ValueLayout.JAVA_LONG)
                      .toArray(MemoryLayout[]::new))));
  private static final MethodHandle MALLOC_TRIM =
      find("malloc_trim", FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_LONG));

  private ProcessMemory() {}

  private static MethodHandle find(String name, FunctionDescriptor d) {
    Optional<MemorySegment> s = LINKER.defaultLookup().find(name);
    return s.map(a -> LINKER.downcallHandle(a, d)).orElse(null);
  }

  /**
   * A line of /proc/self/status as a number ({@code VmRSS} in kB, {@code Threads}); -1 if absent.
   */
  static long status(String key) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith(key + ":")) {
          return Long.parseLong(line.replaceAll("\\D+", ""));
        }
      }
    } catch (IOException | NumberFormatException e) {
      return -1;
    }
    return -1;
  }

  /** The resident set size in bytes. */
  static long rss() {
    return status("VmRSS") * 1024;
  }

  /**
   * RSS after the garbage collector and the cleaners have run: the least of a few readings, each
   * after System.gc() and a short sleep (one reading can catch a GC's transient memory).
   */
  static long settledRss() throws InterruptedException {
    long min = Long.MAX_VALUE;
    for (int i = 0; i < 4; i++) {
      System.gc();
      Thread.sleep(150);
      min = Math.min(min, rss());
    }
    return min;
  }

  /**
   * {in use, free kept} bytes of glibc's heap (all arenas, mmapped chunks counted as in use); null
   * if unknown.
   */
  static long[] mallinfo() {
    if (MALLINFO2 == null) {
      return null;
    }
    try (Arena a = Arena.ofConfined()) {
      MemorySegment m = (MemorySegment) MALLINFO2.invokeExact((SegmentAllocator) a);
      long hblkhd = m.getAtIndex(ValueLayout.JAVA_LONG, 4);
      long uordblks = m.getAtIndex(ValueLayout.JAVA_LONG, 7);
      long fordblks = m.getAtIndex(ValueLayout.JAVA_LONG, 8);
      return new long[] {uordblks + hblkhd, fordblks};
    } catch (Throwable t) {
      return null;
    }
  }

  /** glibc's malloc_trim(0): gives free heap pages back to the OS; false if unavailable. */
  static boolean mallocTrim() {
    if (MALLOC_TRIM == null) {
      return false;
    }
    try {
      int r = (int) MALLOC_TRIM.invokeExact(0L);
      return r >= 0;
    } catch (Throwable t) {
      return false;
    }
  }

  /** "malloc in use X MiB, free kept Y MiB", or a note that glibc's mallinfo2 is missing. */
  static String mallocSummary() {
    long[] m = mallinfo();
    return m == null
        ? "mallinfo2 unavailable"
        : String.format(
            java.util.Locale.ROOT,
            "malloc in use %.1f MiB, free kept %.1f MiB",
            m[0] / (double) MIB,
            m[1] / (double) MIB);
  }
}
