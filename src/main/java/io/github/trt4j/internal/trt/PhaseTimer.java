package io.github.trt4j.internal.trt;

import io.github.trt4j.internal.Cuda;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Four timing events around the phases of one launch (before the host-to-device copies, before
 * {@code enqueueV3}, after it, after the device-to-host copies), as trtexec measures H2D, GPU
 * compute and D2H. A graph replay records only the first and the last. For benchmarks only.
 */
public final class PhaseTimer implements AutoCloseable {

  private final long[] events = new long[4];
  private final MemorySegment scratch = Arena.ofAuto().allocate(ValueLayout.JAVA_FLOAT);
  private final boolean[] recorded = new boolean[4];
  private final float[] ms = new float[1];

  public PhaseTimer() {
    for (int i = 0; i < events.length; i++) {
      events[i] = Cuda.createEvent(true);
    }
  }

  void record(int phase, long stream) {
    Cuda.record(events[phase], stream, "phase timing");
    recorded[phase] = true;
  }

  /** Clears what was recorded, before a launch. */
  public void reset() {
    java.util.Arrays.fill(recorded, false);
  }

  /**
   * Milliseconds of {H2D, GPU compute, D2H, total} of the last completed launch; -1 where the
   * launch did not record the phase (a graph replay has only the total).
   */
  public void read(double[] out) {
    out[0] = recorded[1] ? Cuda.elapsedMs(events[0], events[1], scratch, ms) : -1;
    out[1] = recorded[2] ? Cuda.elapsedMs(events[1], events[2], scratch, ms) : -1;
    out[2] = recorded[2] ? Cuda.elapsedMs(events[2], events[3], scratch, ms) : -1;
    out[3] = recorded[3] ? Cuda.elapsedMs(events[0], events[3], scratch, ms) : -1;
  }

  @Override
  public void close() {
    for (long e : events) {
      Cuda.destroyEvent(e);
    }
  }
}
