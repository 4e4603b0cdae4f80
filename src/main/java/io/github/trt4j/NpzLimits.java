package io.github.trt4j;

/**
 * Bounds on what {@link Npy#readAll(java.nio.file.Path, NpzLimits)} reads from an NPZ archive, so
 * that a small hostile archive (thousands of entries, or a few kilobytes that inflate to gigabytes)
 * is refused instead of exhausting the heap. Sizes count uncompressed NPY bytes, as the archive
 * declares them and as they actually inflate.
 *
 * @param maxEntries the most arrays in one archive
 * @param maxEntryBytes the largest uncompressed entry
 * @param maxTotalBytes the most uncompressed bytes over all entries
 */
public record NpzLimits(int maxEntries, long maxEntryBytes, long maxTotalBytes) {

  /**
   * Checks the limits.
   *
   * @throws IllegalArgumentException for a negative limit
   */
  public NpzLimits {
    if (maxEntries < 0 || maxEntryBytes < 0 || maxTotalBytes < 0) {
      throw new IllegalArgumentException(
          "NPZ limits must be >= 0: " + maxEntries + ", " + maxEntryBytes + ", " + maxTotalBytes);
    }
  }

  /**
   * 10 000 arrays, 128 MiB per array, 128 MiB in all: safe for a 512 MB heap. Reading holds each
   * array once (a float16 array as floats, twice its file bytes) plus a 64 KiB buffer, so an
   * archive within these limits needs at most 256 MiB of heap for its tensors, however small the
   * archive is and whatever its entries declare. Raise them for larger trusted archives.
   *
   * @return the default limits
   */
  public static NpzLimits defaults() {
    return new NpzLimits(10_000, 128L << 20, 128L << 20);
  }

  /**
   * At most {@code n} arrays.
   *
   * @param n the largest number of entries
   * @return a copy with that limit
   */
  public NpzLimits maxEntries(int n) {
    return new NpzLimits(n, maxEntryBytes, maxTotalBytes);
  }

  /**
   * At most {@code n} bytes in any one array.
   *
   * @param n the largest array, in bytes
   * @return a copy with that limit
   */
  public NpzLimits maxEntryBytes(long n) {
    return new NpzLimits(maxEntries, n, maxTotalBytes);
  }

  /**
   * At most {@code n} bytes of arrays in all.
   *
   * @param n the largest total, in bytes
   * @return a copy with that limit
   */
  public NpzLimits maxTotalBytes(long n) {
    return new NpzLimits(maxEntries, maxEntryBytes, n);
  }
}
