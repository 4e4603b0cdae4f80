package io.github.trt4j.internal.trt;

import io.github.trt4j.TrtException;
import io.github.trt4j.internal.Cuda;
import io.github.trt4j.internal.cuda.Driver;
import org.bytedeco.cuda.cudart.CUstream_st;
import org.bytedeco.tensorrt.nvinfer.IExecutionContext;
import org.slf4j.LoggerFactory;

/**
 * The one place that launches work on an execution context's stream: the host-to-device copies of a
 * binding's host inputs, {@code enqueueV3}, and the device-to-host copies of its host outputs —
 * either issued one by one, or, in CUDA-graph mode, captured once per binding version and replayed
 * (as {@code trtexec --useCudaGraph} does). A capture needs one plain run of the same version
 * first; if capturing fails (an engine that cannot be captured), this launch logs why once and
 * stays on plain enqueues.
 */
public final class Launch {

  private final IExecutionContext context;

  /** The stream for the driver calls, and the same stream as TensorRT's API takes it. */
  private final long stream;

  private final CUstream_st trtStream;
  private final boolean graphMode;
  private boolean graphFailed;
  private String graphFailure;
  private int captures;

  /** Test hook: make the next capture fail the way a non-capturable engine does. */
  static volatile boolean failNextCapture;

  Launch(IExecutionContext context, long stream, boolean graphMode) {
    this.context = context;
    this.stream = stream;
    this.trtStream = new CUstream_st(Pointers.at(stream, 0));
    this.graphMode = graphMode;
  }

  /** Whether CUDA graphs were asked for and work for this context. */
  public boolean graphsActive() {
    return graphMode && !graphFailed;
  }

  /** Why capturing failed, or null. */
  public String graphFailure() {
    return graphFailure;
  }

  /** How many graphs were captured so far (each shape or address change needs one). */
  public int captures() {
    return captures;
  }

  void execute(BindingSlots b, PhaseTimer timer, Object owner) {
    if (graphMode && !graphFailed) {
      if (b.graph != 0 && b.graphOwner == owner && b.graphVersion == b.version) {
        replay(b, timer);
        return;
      }
      if (b.lastRunVersion == b.version && b.warmRunsAtVersion >= 1 && capture(b, owner)) {
        replay(b, timer);
        return;
      }
    }
    plain(b, timer);
    if (b.lastRunVersion == b.version) {
      b.warmRunsAtVersion++;
    } else {
      b.lastRunVersion = b.version;
      b.warmRunsAtVersion = 1;
    }
  }

  private void replay(BindingSlots b, PhaseTimer timer) {
    if (timer != null) {
      timer.record(0, stream);
    }
    int st = Driver.graphLaunch(b.graph, stream);
    if (st != 0) {
      throw Cuda.error(st, "cuGraphLaunch", "a captured inference");
    }
    if (timer != null) {
      timer.record(3, stream);
    }
  }

  private void plain(BindingSlots b, PhaseTimer timer) {
    if (timer != null) {
      timer.record(0, stream);
    }
    int[] in = b.hostInputs;
    for (int k = 0; k < in.length; k++) {
      int i = in[k];
      if (b.bytes[i] > 0) {
        int st =
            Driver.copyHtoDAsync(b.device[i].address(), b.host[i].address(), b.bytes[i], stream);
        if (st != 0) {
          throw Cuda.error(st, "cuMemcpyHtoDAsync", "input '" + b.names[i] + "'");
        }
      }
    }
    if (timer != null) {
      timer.record(1, stream);
    }
    long mark = TrtLog.errorMark();
    if (!context.enqueueV3(trtStream)) {
      throw new TrtException(
          "enqueueV3 failed: " + TrtLog.errorsSince(mark, "TensorRT gave no reason"));
    }
    if (timer != null) {
      timer.record(2, stream);
    }
    int[] out = b.hostOutputs;
    for (int k = 0; k < out.length; k++) {
      int i = out[k];
      if (b.dataDependent[i]) {
        // Its size is known now: TensorRT reported the shape inside enqueueV3.
        b.ensureHostRoom(i);
      }
      if (b.bytes[i] > 0) {
        int st =
            Driver.copyDtoHAsync(b.host[i].address(), b.device[i].address(), b.bytes[i], stream);
        if (st != 0) {
          throw Cuda.error(st, "cuMemcpyDtoHAsync", "output '" + b.names[i] + "'");
        }
      }
    }
    if (timer != null) {
      timer.record(3, stream);
    }
  }

  /** Captures b's copies and enqueue; false (and plain mode from now on) if that fails. */
  private boolean capture(BindingSlots b, Object owner) {
    Cuda.destroyGraph(b.graph);
    b.graph = 0;
    String why = null;
    long mark = TrtLog.errorMark();
    int st = Driver.beginCapture(stream, Driver.STREAM_CAPTURE_MODE_THREAD_LOCAL);
    if (st != 0) {
      why = "cuStreamBeginCapture: " + Cuda.errorName(st);
    } else {
      try {
        if (failNextCapture) {
          failNextCapture = false;
          // An operation that is illegal while capturing invalidates the capture, as a
          // non-capturable engine's synchronous work inside enqueueV3 does.
          Driver.streamSynchronize(stream);
        }
        plain(b, null);
      } catch (RuntimeException e) {
        why = e.getMessage();
      }
      long g = Cuda.endCapture(stream);
      if (g == 0 && why == null) {
        why =
            "the capture was invalidated: "
                + TrtLog.errorsSince(mark, "an operation in enqueueV3 cannot be captured");
      }
      if (why == null) {
        try {
          b.graph = Cuda.instantiate(g);
        } catch (RuntimeException e) {
          why = e.getMessage();
        }
      } else if (g != 0) {
        Driver.graphDestroy(g);
      }
    }
    if (why != null) {
      graphFailed = true;
      graphFailure = why;
      LoggerFactory.getLogger(Launch.class)
          .warn("CUDA graph capture failed ({}); running with plain enqueueV3 from now on", why);
      return false;
    }
    b.graphOwner = owner;
    b.graphVersion = b.version;
    captures++;
    return true;
  }

  /**
   * Turns CUDA graphs off for this launch before any capture, for {@code why}; logged once per
   * engine ({@code owner}).
   */
  void disable(String why, Object owner) {
    graphFailed = true;
    graphFailure = why;
    synchronized (WARNED) {
      if (WARNED.add(owner)) {
        LoggerFactory.getLogger(Launch.class)
            .warn("CUDA graphs are off for this engine: {}; plain enqueueV3 instead", why);
      }
    }
  }

  private static final java.util.Set<Object> WARNED =
      java.util.Collections.newSetFromMap(new java.util.WeakHashMap<>());

  /** For tests: the next capture fails as a non-capturable engine's would. */
  public static void failNextCaptureForTest() {
    failNextCapture = true;
  }
}
