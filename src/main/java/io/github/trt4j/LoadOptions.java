package io.github.trt4j;

/**
 * How {@link TrtEngine#load(java.nio.file.Path, LoadOptions)} loads a plan: the CUDA device, and
 * whether a {@link PlanDigest} file must be present. Immutable; each setter returns a new value.
 *
 * <pre>{@code
 * TrtEngine.load(path, LoadOptions.defaults().device(1).requireDigest(true));
 * }</pre>
 *
 * @param device the CUDA device index (default 0)
 * @param requireDigest refuse a plan without a {@code .sha256} digest file (default false: the
 *     digest is checked when present)
 */
public record LoadOptions(int device, boolean requireDigest) {

  /**
   * Checks the settings.
   *
   * @throws IllegalArgumentException for a negative device index
   */
  public LoadOptions {
    if (device < 0) {
      throw new IllegalArgumentException("CUDA device index must be >= 0; got " + device);
    }
  }

  /**
   * Device 0; the digest checked when present.
   *
   * @return the default options
   */
  public static LoadOptions defaults() {
    return new LoadOptions(0, false);
  }

  /**
   * Loads onto CUDA device {@code device}.
   *
   * @param device the CUDA device index
   * @return a copy with that device
   */
  public LoadOptions device(int device) {
    return new LoadOptions(device, requireDigest);
  }

  /**
   * Whether loading requires a digest file beside the plan (refusing a plan without one).
   *
   * @param require whether a digest file is required
   * @return a copy with that setting
   */
  public LoadOptions requireDigest(boolean require) {
    return new LoadOptions(device, require);
  }
}
