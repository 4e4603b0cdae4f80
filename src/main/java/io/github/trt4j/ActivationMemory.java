package io.github.trt4j;

import io.github.trt4j.internal.trt.SharedActivation;

/**
 * One block of device memory for the activations of several Inferers that never run at the same
 * time (TensorRT's user-managed allocation strategy): N Inferers then need one block instead of N.
 * Make it with {@link TrtEngine#createActivationMemory()} (sized for every profile of that engine)
 * or {@link #allocate} (e.g. the largest of several engines' needs, from {@link
 * TrtEngine#deviceMemorySize()}), and pass it with {@link InfererOptions#withSharedMemory}.
 *
 * <p>Owned by the caller; {@link #close()} is idempotent and the memory is freed once the last
 * Inferer using it has closed.
 */
public final class ActivationMemory implements AutoCloseable {

  private final SharedActivation shared;

  private ActivationMemory(SharedActivation shared) {
    this.shared = shared;
  }

  /**
   * {@code bytes} of device memory on CUDA device {@code device}.
   *
   * @param device the CUDA device index
   * @param bytes the size in bytes, more than 0
   * @return the memory, which the caller closes
   */
  public static ActivationMemory allocate(int device, long bytes) {
    if (bytes <= 0) {
      throw new IllegalArgumentException("Activation memory must be > 0 bytes; got " + bytes);
    }
    return new ActivationMemory(new SharedActivation(device, bytes));
  }

  /** {@return the CUDA device the memory is on} */
  public int device() {
    return shared.device();
  }

  /** {@return the size in bytes} */
  public long bytes() {
    return shared.bytes();
  }

  SharedActivation shared() {
    return shared;
  }

  @Override
  public void close() {
    shared.close();
  }
}
