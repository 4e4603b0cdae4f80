package io.github.trt4j.internal;

/** The driver the TensorRT 11 line needs (TensorRT 11 is built with CUDA 13). See {@code Line}. */
final class DriverLine {

  private DriverLine() {}

  /** As {@code cuDriverGetVersion} reports it. */
  static final int MINIMUM = 13000;

  static final String NAME = "a driver for CUDA 13 or newer (r580+)";
}
