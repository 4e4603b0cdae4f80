package io.github.trt4j.internal;

/** The driver the TensorRT 10 line needs (TensorRT 10 is built with CUDA 12). See {@code Line}. */
final class DriverLine {

  private DriverLine() {}

  /** As {@code cuDriverGetVersion} reports it. */
  static final int MINIMUM = 12000;

  static final String NAME = "a driver for CUDA 12 or newer (r525+)";
}
