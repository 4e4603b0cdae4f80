package io.github.trt4j;

/**
 * Which GPUs a plan may run on besides the one that built it ({@link
 * EngineBuilder#hardwareCompatibility}), as TensorRT's {@code HardwareCompatibilityLevel} and
 * trtexec's {@code --hardwareCompatibilityLevel}.
 */
public enum HardwareCompatibility {
  /** Only GPUs of the builder's compute capability (TensorRT's default). */
  NONE("none"),
  /** Every Ampere or later GPU, at some cost in speed. */
  AMPERE_PLUS("ampere+"),
  /**
   * Every GPU of the builder's compute capability, whatever its SM count or memory (TensorRT 10.10
   * and later; an older library refuses it when building).
   */
  SAME_COMPUTE_CAPABILITY("same-compute-capability");

  private final String flag;

  HardwareCompatibility(String flag) {
    this.flag = flag;
  }

  /** {@return TensorRT's enum value} */
  public int value() {
    return ordinal();
  }

  /** {@return trtexec's spelling: none, ampere+ or same-compute-capability} */
  public String flag() {
    return flag;
  }

  /**
   * Parses trtexec's spelling (or the constant's name), naming the choices otherwise.
   *
   * @param s the level as written
   * @return the level
   * @throws IllegalArgumentException for anything else
   */
  public static HardwareCompatibility parse(String s) {
    for (HardwareCompatibility h : values()) {
      if (h.flag.equalsIgnoreCase(s.trim()) || h.name().equalsIgnoreCase(s.trim())) {
        return h;
      }
    }
    throw new IllegalArgumentException(
        "Hardware compatibility level '"
            + s
            + "' is not one of"
            + " none, ampere+, same-compute-capability");
  }

  /**
   * The level TensorRT reports for a plan, in trtexec's spelling.
   *
   * @param value TensorRT's enum value
   * @return e.g. {@code ampere+}, or {@code level N} for a value this trt4j does not know
   */
  public static String describe(int value) {
    for (HardwareCompatibility h : values()) {
      if (h.value() == value) {
        return h.flag;
      }
    }
    return "level " + value;
  }

  @Override
  public String toString() {
    return flag;
  }
}
