package io.github.trt4j;

import java.util.Objects;

/**
 * The shapes one optimization profile accepts for one input: every dimension between {@code min}
 * and {@code max}; TensorRT tuned its kernels for {@code opt}.
 *
 * @param min the smallest shape accepted
 * @param opt the shape TensorRT tuned its kernels for
 * @param max the largest shape accepted
 */
public record ShapeRange(Shape min, Shape opt, Shape max) {

  /**
   * Checks that the three shapes have one rank and that {@code min <= opt <= max}.
   *
   * @throws IllegalArgumentException when they do not
   */
  public ShapeRange {
    Objects.requireNonNull(min, "min");
    Objects.requireNonNull(opt, "opt");
    Objects.requireNonNull(max, "max");
    if (min.rank() != opt.rank() || opt.rank() != max.rank()) {
      throw new IllegalArgumentException(
          "min/opt/max must have one rank; got " + min + ", " + opt + ", " + max);
    }
    if (!opt.within(min, max)) {
      throw new IllegalArgumentException(
          "Need min <= opt <= max in every dimension; got " + min + ", " + opt + ", " + max);
    }
  }

  /**
   * A range of one fixed shape.
   *
   * @param shape the only shape accepted
   * @return the range {@code shape/shape/shape}
   */
  public static ShapeRange fixed(Shape shape) {
    return new ShapeRange(shape, shape, shape);
  }

  /**
   * Whether {@code shape} lies within this range (same rank, every dimension between min and max).
   *
   * @param shape a concrete shape
   * @return whether it is accepted
   */
  public boolean contains(Shape shape) {
    return shape.within(min, max);
  }

  /**
   * Parses {@code MIN/OPT/MAX}, each as {@code 1x3x224x224}; a single shape stands for all three.
   *
   * @param text the range, e.g. {@code 1x8/8x8/16x8}
   * @return the range
   * @throws IllegalArgumentException naming the text when it is not a range
   */
  public static ShapeRange parse(String text) {
    String[] p = text.split("/");
    return switch (p.length) {
      case 1 -> fixed(Shape.parse(p[0]));
      case 3 -> new ShapeRange(Shape.parse(p[0]), Shape.parse(p[1]), Shape.parse(p[2]));
      default ->
          throw new IllegalArgumentException(
              "Not a shape range: '" + text + "' (expected MIN/OPT/MAX such as 1x8/8x8/16x8)");
    };
  }

  @Override
  public String toString() {
    return min.joined() + "/" + opt.joined() + "/" + max.joined();
  }
}
