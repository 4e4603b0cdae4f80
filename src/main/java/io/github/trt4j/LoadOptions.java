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

  public LoadOptions {
    if (device < 0) {
      throw new IllegalArgumentException("CUDA device index must be >= 0; got " + device);
    }
  }

  /** Device 0; the digest checked when present. */
  public static LoadOptions defaults() {
    return new LoadOptions(0, false);
  }

  public LoadOptions device(int device) {
    return new LoadOptions(device, requireDigest);
  }

  public LoadOptions requireDigest(boolean require) {
    return new LoadOptions(device, require);
  }
}
