package io.github.trt4j;

import java.util.Arrays;
import java.util.StringJoiner;

/**
 * A tensor shape. {@code -1} marks a dimension that is only known at inference time.
 *
 * @param dims the dimensions, outermost first (defensively copied)
 */
public record Shape(long[] dims) {

  /** The largest rank TensorRT supports ({@code Dims64::MAX_DIMS}). */
  public static final int MAX_RANK = 8;

  /**
   * Copies the dimensions and checks them.
   *
   * @throws IllegalArgumentException for more than {@link #MAX_RANK} dimensions or one below -1
   */
  public Shape {
    dims = dims.clone();
    if (dims.length > MAX_RANK) {
      throw new IllegalArgumentException(
          "A shape has at most " + MAX_RANK + " dimensions; got " + dims.length);
    }
    for (long d : dims) {
      if (d < -1) {
        throw new IllegalArgumentException(
            "Invalid dimension " + d + " in " + Arrays.toString(dims));
      }
    }
  }

  /**
   * A shape of {@code dims}.
   *
   * @param dims the dimensions, outermost first; -1 for a dynamic one
   * @return the shape
   */
  public static Shape of(long... dims) {
    return new Shape(dims);
  }

  /**
   * A shape from {@code int} dimensions.
   *
   * @param dims the dimensions, outermost first; -1 for a dynamic one
   * @return the shape
   */
  public static Shape ofInts(int... dims) {
    return new Shape(Arrays.stream(dims).asLongStream().toArray());
  }

  /** {@return a copy of the dimensions} */
  @Override
  public long[] dims() {
    return dims.clone();
  }

  /** {@return the number of dimensions (0 for a scalar)} */
  public int rank() {
    return dims.length;
  }

  /**
   * The dimension at {@code i}.
   *
   * @param i the dimension's index, outermost 0
   * @return its size, or -1 when dynamic
   */
  public long dim(int i) {
    return dims[i];
  }

  /** {@return whether any dimension is {@code -1}} */
  public boolean isDynamic() {
    for (long d : dims) {
      if (d < 0) {
        return true;
      }
    }
    return false;
  }

  /**
   * The number of elements (1 for a scalar).
   *
   * @return the product of the dimensions
   * @throws IllegalStateException if the shape is dynamic
   * @throws ArithmeticException if the count overflows a {@code long}
   */
  public long elementCount() {
    long n = 1;
    for (long d : dims) {
      if (d < 0) {
        throw new IllegalStateException("Shape " + this + " is dynamic: it has no element count");
      }
      n = Math.multiplyExact(n, d);
    }
    return n;
  }

  /**
   * Whether this concrete shape fits a (possibly dynamic) pattern: same rank, -1 matches any.
   *
   * @param pattern a shape whose -1 dimensions match any size
   * @return whether this shape fits it
   */
  public boolean matches(Shape pattern) {
    if (pattern.dims.length != dims.length) {
      return false;
    }
    for (int i = 0; i < dims.length; i++) {
      if (pattern.dims[i] >= 0 && pattern.dims[i] != dims[i]) {
        return false;
      }
    }
    return true;
  }

  /**
   * Whether every dimension lies within {@code [min, max]} (same rank required).
   *
   * @param min the smallest dimensions
   * @param max the largest dimensions
   * @return whether this shape lies between them
   */
  public boolean within(Shape min, Shape max) {
    if (min.dims.length != dims.length || max.dims.length != dims.length) {
      return false;
    }
    for (int i = 0; i < dims.length; i++) {
      if (dims[i] < min.dims[i] || dims[i] > max.dims[i]) {
        return false;
      }
    }
    return true;
  }

  /**
   * {@return the dimensions joined by {@code x}, as TensorRT's tools print them: {@code 2x36x60x1}}
   */
  public String joined() {
    if (dims.length == 0) {
      return "scalar";
    }
    StringJoiner j = new StringJoiner("x");
    for (long d : dims) {
      j.add(Long.toString(d));
    }
    return j.toString();
  }

  /**
   * Parses {@code 2x36x60x1} (or {@code scalar}).
   *
   * @param text the shape, e.g. {@code 2x36x60x1}
   * @return the shape
   * @throws IllegalArgumentException naming the text when it is not a shape
   */
  public static Shape parse(String text) {
    String t = text.trim();
    if (t.equals("scalar") || t.isEmpty()) {
      return new Shape(new long[0]);
    }
    String[] parts = t.split("[xX,]");
    long[] d = new long[parts.length];
    for (int i = 0; i < parts.length; i++) {
      try {
        d[i] = Long.parseLong(parts[i].trim());
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("Not a shape: '" + text + "' (expected e.g. 2x36x60x1)");
      }
    }
    return new Shape(d);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Shape s && Arrays.equals(dims, s.dims);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(dims);
  }

  @Override
  public String toString() {
    return Arrays.toString(dims);
  }
}
