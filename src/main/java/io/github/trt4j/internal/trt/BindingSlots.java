package io.github.trt4j.internal.trt;

import io.github.trt4j.DataType;
import io.github.trt4j.Shape;
import io.github.trt4j.TensorSpec;
import io.github.trt4j.internal.Cuda;
import io.github.trt4j.internal.NativeBlock;
import java.util.List;

/**
 * The per-tensor state of one I/O binding, in arrays indexed by the engine's tensor index, so that
 * a run does no lookups, builds no maps and allocates nothing. Each tensor lives either on the host
 * (page-locked memory the binding copies to and from a device staging buffer it owns) or on the
 * device (memory TensorRT reads or writes directly, the binding's or a caller's).
 *
 * <p>{@link #version} changes whenever a shape or an address changes, which is how an execution
 * knows when to set addresses and shapes again and when a captured CUDA graph is stale. Not
 * thread-safe: the public {@code IoBinding} and {@code Inferer} serialize access.
 */
public final class BindingSlots {

  public final int count;
  final String[] names;
  final boolean[] input;
  final DataType[] types;

  /** Outputs whose shape and size only a run gives (TensorRT's output allocator). */
  final boolean[] dataDependent;

  /** Gives a host-bound data-dependent output more page-locked memory; set by the binding. */
  public interface HostGrowth {
    /**
     * Replaces output {@code i}'s host memory with at least {@code bytes}.
     *
     * @return the new block
     */
    NativeBlock grow(int i, long bytes);
  }

  private HostGrowth hostGrowth;

  /** Page-locked host memory of a host-bound tensor; null for a device-bound one. */
  final NativeBlock[] host;

  /** The device memory TensorRT uses for the tensor (staging for host-bound tensors). */
  final NativeBlock[] device;

  /** Whether this binding allocated {@link #device} (and frees it). */
  final boolean[] ownsDevice;

  final Shape[] shapes;
  final long[] bytes;
  int version;
  int[] hostInputs = new int[0];
  int[] hostOutputs = new int[0];

  // CUDA-graph state: valid for one execution and one version.
  /** The executable graph ({@code CUgraphExec}), 0 for none. */
  long graph;

  Object graphOwner;
  int graphVersion = -1;
  int warmRunsAtVersion;
  int lastRunVersion = -1;

  // Async completion.
  /** The completion event ({@code CUevent}), 0 until the first async run. */
  long done;

  int doneDevice;
  volatile boolean inFlight;

  public BindingSlots(List<TensorSpec> specs) {
    count = specs.size();
    names = new String[count];
    input = new boolean[count];
    types = new DataType[count];
    host = new NativeBlock[count];
    device = new NativeBlock[count];
    ownsDevice = new boolean[count];
    shapes = new Shape[count];
    bytes = new long[count];
    dataDependent = new boolean[count];
    for (TensorSpec s : specs) {
      names[s.index()] = s.name();
      input[s.index()] = s.isInput();
      types[s.index()] = s.dataType();
      dataDependent[s.index()] = s.dataDependent();
    }
  }

  /** How host-bound data-dependent outputs grow. */
  public void hostGrowth(HostGrowth g) {
    hostGrowth = g;
  }

  /** Makes sure host-bound output {@code i} has room for {@link #bytes}{@code [i]}. */
  void ensureHostRoom(int i) {
    if (host[i] != null && host[i].bytes() < bytes[i]) {
      if (hostGrowth == null) {
        throw new IllegalStateException("Output '" + names[i] + "' has no room on the host");
      }
      host[i] = hostGrowth.grow(i, bytes[i]);
    }
  }

  /**
   * Puts output {@code i} on {@code block}, which this binding now owns, freeing the block it owned
   * (an output allocator grew it; the stream was synchronized).
   */
  void replaceDevice(int i, NativeBlock block) {
    releaseDevice(i);
    device[i] = block;
    ownsDevice[i] = true;
  }

  /** Makes tensor {@code i} host-bound with the given host memory and device staging memory. */
  public void bindHost(int i, NativeBlock hostBlock, NativeBlock staging) {
    releaseDevice(i);
    host[i] = hostBlock;
    device[i] = staging;
    ownsDevice[i] = true;
    changed();
  }

  /** Makes tensor {@code i} device-bound on {@code block}, which the caller keeps owning. */
  public void bindDevice(int i, NativeBlock block) {
    releaseDevice(i);
    host[i] = null;
    device[i] = block;
    ownsDevice[i] = false;
    changed();
  }

  /** Sets an input's shape; the caller has checked it against the engine. */
  public void shape(int i, Shape shape) {
    if (!shape.equals(shapes[i])) {
      shapes[i] = shape;
      bytes[i] = types[i].bytesFor(shape.elementCount());
      version++;
    }
  }

  public Shape shape(int i) {
    return shapes[i];
  }

  public long bytes(int i) {
    return bytes[i];
  }

  public NativeBlock hostBlock(int i) {
    return host[i];
  }

  public NativeBlock deviceBlock(int i) {
    return device[i];
  }

  public boolean isInput(int i) {
    return input[i];
  }

  public String name(int i) {
    return names[i];
  }

  public boolean inFlight() {
    return inFlight;
  }

  /** Frees the staging memory this binding owns for tensor {@code i}, if any. */
  private void releaseDevice(int i) {
    if (ownsDevice[i] && device[i] != null) {
      device[i].free();
    }
    device[i] = null;
    ownsDevice[i] = false;
  }

  private void changed() {
    version++;
    int in = 0;
    int out = 0;
    for (int i = 0; i < count; i++) {
      if (host[i] != null) {
        if (input[i]) {
          in++;
        } else {
          out++;
        }
      }
    }
    hostInputs = new int[in];
    hostOutputs = new int[out];
    in = 0;
    out = 0;
    for (int i = 0; i < count; i++) {
      if (host[i] != null) {
        if (input[i]) {
          hostInputs[in++] = i;
        } else {
          hostOutputs[out++] = i;
        }
      }
    }
  }

  /**
   * Destroys the graph and event and frees the memory this binding owns; idempotent. Synchronized
   * with {@link Execution#await} and {@link Execution#poll}, which another thread may be in.
   */
  public synchronized void free() {
    Cuda.destroyGraph(graph);
    graph = 0;
    Cuda.destroyEvent(done);
    done = 0;
    for (int i = 0; i < count; i++) {
      releaseDevice(i);
    }
  }
}
