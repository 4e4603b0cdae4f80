package io.github.trt4j.internal.trt;

import io.github.trt4j.internal.NativeBlock;
import java.util.concurrent.locks.ReentrantLock;
import org.bytedeco.tensorrt.nvinfer.IExecutionContext;

/**
 * One block of device memory that several execution contexts use for their activations (TensorRT's
 * user-managed allocation strategy). Contexts that share it must never run at the same time, so
 * every run holds {@link #lock()} until its stream has synchronized.
 */
public final class SharedActivation {

  private final NativeBlock block;
  private final ReentrantLock lock = new ReentrantLock();
  private int users;
  private boolean closed;

  public SharedActivation(int device, long bytes) {
    this.block = NativeBlock.device(device, bytes, "shared activation memory");
  }

  public int device() {
    return block.device();
  }

  public long bytes() {
    return block.bytes();
  }

  ReentrantLock lock() {
    return lock;
  }

  /** Gives {@code context} this block; it must need at most {@link #bytes()}. */
  synchronized void attach(IExecutionContext context, long needed) {
    if (closed) {
      throw new IllegalStateException("The shared activation memory is closed");
    }
    if (needed > block.bytes()) {
      throw new IllegalArgumentException(
          "The execution context needs "
              + needed
              + " bytes of activation memory; the shared block"
              + " holds "
              + block.bytes());
    }
    context.setDeviceMemoryV2(Pointers.at(block.address(), block.bytes()), block.bytes());
    users++;
  }

  synchronized void detach() {
    users--;
    if (closed && users == 0) {
      block.free();
    }
  }

  /** Frees the block once the last context using it is gone. */
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    if (users == 0) {
      block.free();
    }
  }
}
