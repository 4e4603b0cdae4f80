package io.github.trt4j;

/**
 * How {@link TrtEngine#createInferer(InfererOptions)} sets up an Inferer.
 *
 * @param profile the optimization profile its context uses
 * @param cudaGraphs capture each binding's copies and {@code enqueueV3} into a CUDA graph after one
 *     warm-up run and replay it (recaptured when a shape or an address changes); an engine that
 *     cannot be captured falls back to plain enqueues, logged once, as {@code trtexec
 *     --useCudaGraph} does
 * @param activation how the context gets its activation memory
 * @param sharedMemory for {@link Activation#SHARED}: the block the context uses, shared with other
 *     Inferers; runs of Inferers that share it take turns (each holds it until its stream is
 *     synchronized), so their enqueues are synchronous
 * @param maxOutputBytes the most device memory TensorRT may ask for one data-dependent output
 *     (whose size only a run gives); a run asking for more fails naming the output (default 1 GiB)
 */
public record InfererOptions(
    int profile,
    boolean cudaGraphs,
    Activation activation,
    ActivationMemory sharedMemory,
    long maxOutputBytes) {

  /** The default {@link #maxOutputBytes()}: 1 GiB. */
  public static final long DEFAULT_MAX_OUTPUT_BYTES = 1L << 30;

  /**
   * Options with the default limit for data-dependent outputs.
   *
   * @param profile the optimization profile its context uses
   * @param cudaGraphs whether to capture and replay CUDA graphs
   * @param activation how the context gets its activation memory
   * @param sharedMemory for {@link Activation#SHARED}: the shared block
   */
  public InfererOptions(
      int profile, boolean cudaGraphs, Activation activation, ActivationMemory sharedMemory) {
    this(profile, cudaGraphs, activation, sharedMemory, DEFAULT_MAX_OUTPUT_BYTES);
  }

  /** TensorRT's execution-context allocation strategies. */
  public enum Activation {
    /** The context allocates the largest activation memory of all profiles when it is created. */
    STATIC,
    /** The context reallocates for the selected profile only. */
    ON_PROFILE_CHANGE,
    /** The context uses an {@link ActivationMemory} block shared with other Inferers. */
    SHARED
  }

  /**
   * Checks the settings.
   *
   * @throws IllegalArgumentException for a negative profile, a null activation, or {@link
   *     Activation#SHARED} without shared memory (or shared memory with another activation)
   */
  public InfererOptions {
    if (profile < 0) {
      throw new IllegalArgumentException("Optimization profile must be >= 0; got " + profile);
    }
    if (activation == null) {
      throw new IllegalArgumentException("activation is null");
    }
    if (maxOutputBytes <= 0) {
      throw new IllegalArgumentException("maxOutputBytes must be > 0; got " + maxOutputBytes);
    }
    if ((activation == Activation.SHARED) != (sharedMemory != null)) {
      throw new IllegalArgumentException(
          "Activation.SHARED goes with an ActivationMemory, and only it; got "
              + activation
              + (sharedMemory == null ? " without one" : " with one"));
    }
  }

  /**
   * Profile 0, no CUDA graphs, static activation memory.
   *
   * @return the default options
   */
  public static InfererOptions defaults() {
    return new InfererOptions(0, false, Activation.STATIC, null);
  }

  /**
   * Uses optimization profile {@code p}.
   *
   * @param p the profile's index
   * @return a copy with that profile
   */
  public InfererOptions withProfile(int p) {
    return new InfererOptions(p, cudaGraphs, activation, sharedMemory, maxOutputBytes);
  }

  /**
   * Captures each binding's work into a CUDA graph and replays it (see {@code cudaGraphs} above).
   *
   * @param on whether to use CUDA graphs
   * @return a copy with that setting
   */
  public InfererOptions withCudaGraphs(boolean on) {
    return new InfererOptions(profile, on, activation, sharedMemory, maxOutputBytes);
  }

  /**
   * Sets how the context gets its activation memory; shared memory is kept only for {@link
   * Activation#SHARED}.
   *
   * @param a the allocation strategy ({@link #withSharedMemory} sets {@link Activation#SHARED} with
   *     its memory)
   * @return a copy with that setting
   */
  public InfererOptions withActivation(Activation a) {
    return new InfererOptions(
        profile, cudaGraphs, a, a == Activation.SHARED ? sharedMemory : null, maxOutputBytes);
  }

  /**
   * Shares {@code memory} for activations ({@link Activation#SHARED}).
   *
   * @param memory memory from {@link TrtEngine#createActivationMemory()}
   * @return a copy with that setting
   */
  public InfererOptions withSharedMemory(ActivationMemory memory) {
    return new InfererOptions(profile, cudaGraphs, Activation.SHARED, memory, maxOutputBytes);
  }

  /**
   * Sets the most device memory TensorRT may ask for one data-dependent output.
   *
   * @param bytes the limit, above 0
   * @return a copy with that limit
   */
  public InfererOptions withMaxOutputBytes(long bytes) {
    return new InfererOptions(profile, cudaGraphs, activation, sharedMemory, bytes);
  }
}
