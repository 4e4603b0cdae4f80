package io.github.trt4j.internal.trt;

import org.bytedeco.javacpp.Pointer;

/** JavaCPP pointers over memory that JavaCPP does not own (a mapped file, an FFM segment). */
public final class Pointers {

  private Pointers() {}

  /** A non-owning pointer to {@code bytes} at {@code address}. */
  public static Pointer at(long address, long bytes) {
    return new View(address, bytes);
  }

  private static final class View extends Pointer {
    View(long address, long bytes) {
      this.address = address;
      this.limit = bytes;
      this.capacity = bytes;
    }
  }
}
