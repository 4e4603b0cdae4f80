package io.github.trt4j.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * NativeHeap on glibc (skipped elsewhere, with the reason): memory freed in the middle of the heap
 * stays resident until {@code trim()} gives it back, and a burst of {@code trimSoon()} calls costs
 * one trim, after about a second, on another thread.
 */
class NativeHeapTest {

  static final long MIB = 1 << 20;
  static final Linker LINKER = Linker.nativeLinker();
  static final MethodHandle MALLOC =
      LINKER.downcallHandle(
          LINKER.defaultLookup().find("malloc").orElseThrow(),
          FunctionDescriptor.of(ValueLayout.ADDRESS, ValueLayout.JAVA_LONG));
  static final MethodHandle FREE =
      LINKER.downcallHandle(
          LINKER.defaultLookup().find("free").orElseThrow(),
          FunctionDescriptor.ofVoid(ValueLayout.ADDRESS));

  @BeforeEach
  void glibc() {
    Assumptions.assumeTrue(
        NativeHeap.active(),
        "malloc_trim is not available here (not glibc) or -Dtrt4j.trimNativeHeap=false");
  }

  static long rss() throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
      if (line.startsWith("VmRSS:")) {
        return Long.parseLong(line.replaceAll("\\D+", "")) * 1024;
      }
    }
    throw new IllegalStateException("no VmRSS");
  }

  @Test
  void trimReturnsPagesFreedInTheMiddleOfTheHeap() throws Throwable {
    // 64 MiB in 16 KiB blocks (below malloc's mmap threshold, so they come from an arena), each
    // touched, then one more block that stays allocated above them so that the arena cannot just
    // shrink from the top: freeing the 64 MiB leaves it resident but free, as TensorRT's buffers
    // are.
    int n = 4096;
    long size = 16 * 1024;
    MemorySegment[] blocks = new MemorySegment[n];
    for (int i = 0; i < n; i++) {
      blocks[i] = ((MemorySegment) MALLOC.invokeExact(size)).reinterpret(size);
      blocks[i].fill((byte) 1);
    }
    MemorySegment top = (MemorySegment) MALLOC.invokeExact(size);
    for (MemorySegment b : blocks) {
      FREE.invokeExact(b);
    }
    long before = rss();
    NativeHeap.trim();
    long after = rss();
    FREE.invokeExact(top);
    System.out.printf("RSS %d MiB -> %d MiB after malloc_trim(0)%n", before / MIB, after / MIB);
    assertTrue(
        before - after >= 32 * MIB,
        "malloc_trim gave back "
            + (before - after) / MIB
            + " MiB of the 64 MiB freed; expected at least 32");
  }

  @Test
  void aBurstOfTrimSoonCallsCostsOneTrimAboutASecondLater() throws Exception {
    // Let a trim that an earlier test asked for run first.
    Thread.sleep(NativeHeap.DELAY_MS + 500);
    long before = NativeHeap.trims();
    long t0 = System.nanoTime();
    for (int i = 0; i < 10_000; i++) {
      NativeHeap.trimSoon();
    }
    assertEquals(before, NativeHeap.trims(), "trimSoon() trimmed on the calling thread");
    long deadline = t0 + (NativeHeap.DELAY_MS + 5000) * 1_000_000L;
    while (NativeHeap.trims() == before && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    long waited = (System.nanoTime() - t0) / 1_000_000;
    Thread.sleep(200);
    // One trim; a second at most if a cleaner released a leaked native object meanwhile (GPU runs).
    long trims = NativeHeap.trims() - before;
    assertTrue(
        trims >= 1 && trims <= 2, "10 000 trimSoon() calls in a burst made " + trims + " trims");
    assertTrue(
        waited >= NativeHeap.DELAY_MS - 50,
        "the trim ran after " + waited + " ms, before the delay");
    // And the next burst is served again.
    long again = NativeHeap.trims();
    NativeHeap.trimSoon();
    Thread.sleep(NativeHeap.DELAY_MS + 1000);
    assertTrue(NativeHeap.trims() > again, "a trimSoon() after the trim ran was not served");
  }
}
