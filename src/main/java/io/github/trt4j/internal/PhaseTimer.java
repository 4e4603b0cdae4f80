package io.github.trt4j.internal;

import org.bytedeco.cuda.cudart.CUevent_st;
import org.bytedeco.cuda.cudart.CUstream_st;
import org.bytedeco.cuda.global.cudart;

/**
 * Four timing events around the phases of one launch (before the host-to-device copies, before
 * {@code enqueueV3}, after it, after the device-to-host copies), as trtexec measures H2D, GPU
 * compute and D2H. A graph replay records only the first and the last. For benchmarks only.
 */
public final class PhaseTimer implements AutoCloseable {

  private final CUevent_st[] events = new CUevent_st[4];
  private final boolean[] recorded = new boolean[4];
  private final float[] ms = new float[1];

  public PhaseTimer() {
    for (int i = 0; i < events.length; i++) {
      events[i] = Cuda.createEvent(true);
    }
  }

  void record(int phase, CUstream_st stream) {
    Cuda.check(cudart.cudaEventRecord(events[phase], stream), "cudaEventRecord", "phase timing");
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
    out[0] = recorded[1] ? Cuda.elapsedMs(events[0], events[1], ms) : -1;
    out[1] = recorded[2] ? Cuda.elapsedMs(events[1], events[2], ms) : -1;
    out[2] = recorded[2] ? Cuda.elapsedMs(events[2], events[3], ms) : -1;
    out[3] = recorded[3] ? Cuda.elapsedMs(events[0], events[3], ms) : -1;
  }

  @Override
  public void close() {
    for (CUevent_st e : events) {
      Cuda.destroyEvent(e);
    }
  }
}
