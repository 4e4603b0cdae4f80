package io.github.trt4j;

import java.util.List;
import java.util.Objects;

/**
 * One input or output tensor of an engine, as TensorRT reports it.
 *
 * @param index position in the engine's I/O tensor order (TensorRT's {@code getIOTensorName} order)
 * @param name the tensor name, exactly as TensorRT knows it (e.g. {@code __eye})
 * @param direction input or output
 * @param dataType the element type
 * @param shape the engine's shape; {@code -1} for dimensions set at inference time
 * @param profiles for an input, the accepted shapes in each optimization profile, by profile index;
 *     empty for outputs
 * @param format TensorRT's description of the memory layout (empty when unknown)
 * @param vectorized whether the layout packs several elements per vector (e.g. CHW32), which the
 *     host copy path does not support
 * @param dataDependent for an output, whether its {@code -1} dimensions stay unknown until a run
 *     (TensorRT reports {@code -1} even with every input shape set: NonZero, NonMaxSuppression);
 *     each run reports the shape it produced
 */
public record TensorSpec(
    int index,
    String name,
    Direction direction,
    DataType dataType,
    Shape shape,
    List<ShapeRange> profiles,
    String format,
    boolean vectorized,
    boolean dataDependent) {

  /** Whether a tensor is read or written by the engine. */
  public enum Direction {
    /** Read by the engine. */
    INPUT,
    /** Written by the engine. */
    OUTPUT;

    /** {@return {@code input} or {@code output}, as TensorRT's samples print it} */
    public String label() {
      return this == INPUT ? "input" : "output";
    }
  }

  /** Checks the components and copies the profile list. */
  public TensorSpec {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(direction, "direction");
    Objects.requireNonNull(dataType, "dataType");
    Objects.requireNonNull(shape, "shape");
    profiles = List.copyOf(profiles);
    format = format == null ? "" : format;
    if (dataDependent && (direction != Direction.OUTPUT || !shape.isDynamic())) {
      throw new IllegalArgumentException(
          "Only an output with a -1 dimension can be data-dependent; got "
              + direction
              + " "
              + shape);
    }
  }

  /**
   * A spec whose shape is known once the input shapes are (no data-dependent dimension).
   *
   * @param index position in the engine's I/O tensor order
   * @param name the tensor name
   * @param direction input or output
   * @param dataType the element type
   * @param shape the engine's shape
   * @param profiles for an input, the accepted shapes in each optimization profile
   * @param format TensorRT's description of the memory layout
   * @param vectorized whether the layout packs several elements per vector
   */
  public TensorSpec(
      int index,
      String name,
      Direction direction,
      DataType dataType,
      Shape shape,
      List<ShapeRange> profiles,
      String format,
      boolean vectorized) {
    this(index, name, direction, dataType, shape, profiles, format, vectorized, false);
  }

  /**
   * A linear-layout spec with no profile information.
   *
   * @param index position in the engine's I/O tensor order
   * @param name the tensor name
   * @param direction input or output
   * @param dataType the element type
   * @param shape the engine's shape
   * @return the spec
   */
  public static TensorSpec of(
      int index, String name, Direction direction, DataType dataType, Shape shape) {
    return new TensorSpec(index, name, direction, dataType, shape, List.of(), "", false, false);
  }

  /** {@return whether the engine reads this tensor} */
  public boolean isInput() {
    return direction == Direction.INPUT;
  }

  /** {@return whether the engine writes this tensor} */
  public boolean isOutput() {
    return direction == Direction.OUTPUT;
  }

  /**
   * The accepted shapes in profile {@code profile}, or a fixed range of {@link #shape()}.
   *
   * @param profile the optimization profile's index
   * @return the range, or null for a dynamic tensor the profile does not cover
   */
  public ShapeRange profile(int profile) {
    if (profile < profiles.size()) {
      return profiles.get(profile);
    }
    return shape.isDynamic() ? null : ShapeRange.fixed(shape);
  }

  @Override
  public String toString() {
    return direction.label()
        + " '"
        + name
        + "' "
        + dataType.displayName()
        + " "
        + shape
        + (dataDependent ? " (data-dependent)" : "");
  }
}
