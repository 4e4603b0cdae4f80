package io.github.trt4j.internal.trt;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import org.bytedeco.javacpp.Pointer;
import org.slf4j.LoggerFactory;

/**
 * Runs a C++ {@code delete} on a TensorRT object through its virtual deleting destructor.
 *
 * <p>JavaCPP's {@code close()}/{@code deallocate()} do nothing for objects TensorRT created (they
 * have no deallocator: bytedeco javacpp-presets#1699), so engines and contexts would leak GPU
 * memory. In the Itanium C++ ABI (Linux), a polymorphic class's vtable holds two destructor entries
 * where the destructor is declared: the complete-object destructor, then the deleting destructor,
 * which also frees the object. We read the object's vtable pointer, take the deleting destructor's
 * slot and call it with the object address through the FFM API.
 */
public final class NativeDelete {

  /**
   * Deleting-destructor slot of classes derived from {@code nvinfer1::INoCopy}, whose virtual
   * destructor is its first virtual member: IRuntime, ICudaEngine, IExecutionContext, IBuilder,
   * IBuilderConfig, INetworkDefinition, IHostMemory, ITimingCache.
   */
  public static final int NO_COPY_SLOT = 1;

  /** Deleting-destructor slot of {@code nvonnxparser::IParser}: the line's ({@link Line}). */
  public static final int PARSER_SLOT = Line.PARSER_DELETE_SLOT;

  private static final boolean ITANIUM_ABI =
      System.getProperty("os.name", "").toLowerCase(java.util.Locale.ROOT).contains("linux");
  private static volatile boolean warned;

  /** One downcall handle for every destructor: {@code (target, this) -> void}. */
  private static final MethodHandle CALL_VOID_OF_POINTER =
      Linker.nativeLinker().downcallHandle(FunctionDescriptor.ofVoid(ValueLayout.ADDRESS));

  private NativeDelete() {}

  /** Deletes the object at {@code p} (no-op for null) using the deleting destructor in slot. */
  public static void delete(Pointer p, int slot) {
    if (p == null || p.isNull()) {
      return;
    }
    delete(p.address(), slot);
  }

  /** Deletes the object at {@code address} (no-op for 0). */
  public static void delete(long address, int slot) {
    if (address == 0) {
      return;
    }
    if (!ITANIUM_ABI) {
      if (!warned) {
        warned = true;
        LoggerFactory.getLogger(NativeDelete.class)
            .warn(
                "TensorRT objects are not deleted on {}: trt4j's native cleanup needs the Itanium C++"
                    + " ABI (Linux)",
                System.getProperty("os.name"));
      }
      return;
    }
    MemorySegment object =
        MemorySegment.ofAddress(address).reinterpret(ValueLayout.ADDRESS.byteSize());
    MemorySegment vtable =
        object
            .get(ValueLayout.ADDRESS, 0)
            .reinterpret(ValueLayout.ADDRESS.byteSize() * (slot + 1L));
    MemorySegment destructor = vtable.getAtIndex(ValueLayout.ADDRESS, slot);
    try {
      CALL_VOID_OF_POINTER.invokeExact(destructor, MemorySegment.ofAddress(address));
    } catch (Throwable t) {
      throw new IllegalStateException(
          "C++ delete of object at 0x" + Long.toHexString(address) + " failed", t);
    }
  }
}
