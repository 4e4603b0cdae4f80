package io.github.trt4j.internal;

import io.github.trt4j.Shape;
import io.github.trt4j.Tensor;
import io.github.trt4j.TensorSpec;
import io.github.trt4j.TrtException;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bytedeco.cuda.cudart.CUstream_st;
import org.bytedeco.tensorrt.nvinfer.Dims64;
import org.bytedeco.tensorrt.nvinfer.IExecutionContext;

/**
 * Owns one execution context, its non-blocking CUDA stream, one device buffer per I/O tensor and
 * one page-locked host staging buffer per I/O tensor, and holds a reference on the engine. Not
 * thread-safe: the public {@code Inferer} serializes calls. {@link #release()} synchronizes the
 * stream, then deletes the context, frees the buffers, destroys the stream and drops the engine
 * reference.
 */
public final class Execution {

  private final EngineHandle engine;
  private final List<TensorSpec> specs;
  private final int profile;
  private final IExecutionContext context;
  private final CUstream_st stream;
  private final BufferSet device = new BufferSet(BufferSet.Kind.DEVICE);
  private final BufferSet host = new BufferSet(BufferSet.Kind.PINNED_HOST);
  private final Map<String, Shape> inputShapes = new HashMap<>();
  private final Map<String, Shape> outputShapes = new LinkedHashMap<>();
  private final Map<String, Long> bound = new HashMap<>();
  private boolean released;

  public Execution(EngineHandle engine, List<TensorSpec> specs, int profile) {
    for (TensorSpec s : specs) {
      if (s.vectorized()) {
        throw new UnsupportedOperationException(
            "Tensor '" + s.name() + "' uses the vectorized layout '" + s.format()
                + "'; trt4j copies linear (row-major) tensors only: rebuild without custom I/O formats");
      }
      if (!s.dataType().isSupported()) {
        throw new UnsupportedOperationException(
            "Tensor '" + s.name() + "' is " + s.dataType() + ", which trt4j cannot copy");
      }
      if (engine.isHostTensor(s.name())) {
        throw new UnsupportedOperationException(
            "Tensor '" + s.name() + "' is a host (shape) tensor; trt4j binds device tensors only");
      }
    }
    if (profile < 0 || profile >= Math.max(1, engine.profileCount())) {
      throw new IllegalArgumentException(
          "Optimization profile " + profile + " does not exist; the engine has "
              + engine.profileCount());
    }
    engine.retain();
    this.engine = engine;
    this.specs = specs;
    this.profile = profile;
    IExecutionContext c = null;
    CUstream_st s = null;
    try {
      Cuda.setDevice(engine.device());
      c = engine.createContext();
      s = Cuda.createStream();
      if (profile != 0 && !c.setOptimizationProfileAsync(profile, s)) {
        throw new TrtException("setOptimizationProfileAsync(" + profile + ") failed");
      }
      Cuda.synchronize(s, "selecting profile " + profile);
    } catch (RuntimeException e) {
      if (c != null) {
        NativeDelete.delete(c, NativeDelete.NO_COPY_SLOT);
      }
      Cuda.destroyStream(s);
      engine.release();
      throw e;
    }
    this.context = c;
    this.stream = s;
  }

  public int profile() {
    return profile;
  }

  public BufferSet deviceBuffers() {
    return device;
  }

  /**
   * Runs the engine once: copies every input to the device, enqueues, copies every output back
   * and synchronizes once. {@code inputs} must already be validated and in engine order.
   */
  public Map<String, Tensor> run(Map<String, Tensor> inputs) {
    Cuda.setDevice(engine.device());
    boolean shapesChanged = outputShapes.isEmpty();
    try (TrtLog.Capture capture = TrtLog.capture()) {
      for (Map.Entry<String, Tensor> e : inputs.entrySet()) {
        Shape shape = e.getValue().shape();
        if (!shape.equals(inputShapes.get(e.getKey()))) {
          try (Dims64 dims = EngineHandle.toDims(shape)) {
            if (!context.setInputShape(e.getKey(), dims)) {
              inputShapes.remove(e.getKey());
              throw new IllegalArgumentException(
                  "TensorRT rejected shape " + shape + " for input '" + e.getKey() + "': "
                      + capture.summary("outside the profile?"));
            }
          }
          inputShapes.put(e.getKey(), shape);
          shapesChanged = true;
        }
      }
      if (shapesChanged) {
        resolveOutputShapes();
      }
      for (TensorSpec s : specs) {
        Shape shape = s.isInput() ? inputs.get(s.name()).shape() : outputShapes.get(s.name());
        long bytes = Bindings.bytes(s.dataType(), shape);
        device.ensure(s.name(), bytes);
        host.ensure(s.name(), bytes);
        long address = device.address(s.name());
        Long was = bound.get(s.name());
        if (was == null || was != address) {
          if (!context.setTensorAddress(s.name(), device.pointer(s.name()))) {
            throw new TrtException(
                "setTensorAddress failed for '" + s.name() + "': " + capture.summary("no reason given"));
          }
          bound.put(s.name(), address);
        }
      }
      for (Map.Entry<String, Tensor> e : inputs.entrySet()) {
        String name = e.getKey();
        long bytes = HostCodec.encode(e.getValue(), host.segment(name));
        if (bytes > 0) {
          Cuda.copyToDevice(device.pointer(name), host.pointer(name), bytes, stream, "input '" + name + "'");
        }
      }
      if (!context.enqueueV3(stream)) {
        throw new TrtException("enqueueV3 failed: " + capture.summary("TensorRT gave no reason"));
      }
      for (Map.Entry<String, Shape> e : outputShapes.entrySet()) {
        String name = e.getKey();
        long bytes = Bindings.bytes(spec(name).dataType(), e.getValue());
        if (bytes > 0) {
          Cuda.copyToHost(host.pointer(name), device.pointer(name), bytes, stream, "output '" + name + "'");
        }
      }
      Cuda.synchronize(stream, "inference");
    }
    Map<String, Tensor> out = new LinkedHashMap<>();
    for (Map.Entry<String, Shape> e : outputShapes.entrySet()) {
      String name = e.getKey();
      out.put(name, HostCodec.decode(spec(name).dataType(), e.getValue(), host.segment(name)));
    }
    return out;
  }

  private void resolveOutputShapes() {
    outputShapes.clear();
    for (TensorSpec s : specs) {
      if (s.isOutput()) {
        Shape shape = EngineHandle.toShape(context.getTensorShape(s.name()));
        if (shape.isDynamic()) {
          throw new UnsupportedOperationException(
              "Output '" + s.name() + "' has shape " + shape + " after all input shapes were set:"
                  + " data-dependent output shapes are not supported");
        }
        outputShapes.put(s.name(), shape);
      }
    }
  }

  private TensorSpec spec(String name) {
    for (TensorSpec s : specs) {
      if (s.name().equals(name)) {
        return s;
      }
    }
    throw new IllegalArgumentException(name);
  }

  /** Idempotent; see the class comment for the order. */
  public void release() {
    if (released) {
      return;
    }
    released = true;
    try {
      Cuda.setDevice(engine.device());
      Cuda.synchronize(stream, "closing");
    } catch (RuntimeException ignored) {
      // A failed stream still has to be torn down.
    }
    NativeDelete.delete(context, NativeDelete.NO_COPY_SLOT);
    device.free();
    host.free();
    Cuda.destroyStream(stream);
    engine.release();
  }
}
