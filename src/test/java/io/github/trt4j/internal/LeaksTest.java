package io.github.trt4j.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The safety net: an owner never closed is released by the cleaner; close() releases once. */
class LeaksTest {

  @Test
  void closeReleasesExactlyOnce() {
    AtomicInteger released = new AtomicInteger();
    Object owner = new Object();
    Leaks.Registration r = Leaks.register(owner, "test owner", released::incrementAndGet);
    r.close();
    r.close();
    assertEquals(1, released.get());
  }

  @Test
  void unreachableOwnerIsReleasedByTheCleaner() throws InterruptedException {
    AtomicInteger released = new AtomicInteger();
    register(released);
    for (int i = 0; i < 100 && released.get() == 0; i++) {
      System.gc();
      Thread.sleep(20);
    }
    assertTrue(released.get() == 1, "the cleaner released the forgotten owner");
  }

  private static void register(AtomicInteger released) {
    Leaks.register(new Object(), "forgotten owner", released::incrementAndGet);
  }
}
