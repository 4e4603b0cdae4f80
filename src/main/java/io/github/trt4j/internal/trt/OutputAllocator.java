package io.github.trt4j.internal.trt;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import org.bytedeco.tensorrt.nvinfer.IOutputAllocator;

/**
 * TensorRT's {@code IOutputAllocator} for one data-dependent output of one execution context, made
 * with FFM: bytedeco's class has no virtual callbacks a Java subclass could override, so the C++
 * object is built here — a vtable of upcall stubs (the Itanium C++ ABI's layout, as libnvinfer
 * expects on Linux) and an object whose first word points at it.
 *
 * <p>The object is {@code [vptr][id]}; the vtable is {@code [offset-to-top = 0][RTTI = null]}
 * followed by the virtual functions in declaration order: {@code
 * IVersionedInterface::getAPILanguage}, {@code getInterfaceInfo}, the complete and the deleting
 * destructor (no-ops: trt4j owns the object, TensorRT never deletes it), the deprecated {@code
 * reallocateOutput} (answers null: TensorRT 10 calls the async one), {@code reallocateOutputAsync}
 * and {@code notifyShape}. Pointers cross as 64-bit integers and the Dims64 is read in place, so
 * the upcalls allocate nothing on the Java heap; every upcall catches everything (an exception
 * escaping an upcall would end the JVM) and turns it into a null answer that {@link Target} reports
 * after {@code enqueueV3} returns.
 */
final class OutputAllocator implements AutoCloseable {

  /** What the upcalls call: the execution that owns the output. Never throws into native code. */
  interface Target {
    /** The device address for {@code bytes} of output {@code output}, or 0 to refuse. */
    long reallocate(int output, long bytes);

    /** The shape TensorRT produced: {@code rank} and the dims at {@code dims} (int64 each). */
    void shape(int output, int rank, long dims);

    /** An upcall failed unexpectedly; the run must fail with this. */
    void failed(int output, Throwable t);
  }

  /** Reads native memory at absolute addresses without making a segment per read. */
  private static final MemorySegment ALL = MemorySegment.NULL.reinterpret(Long.MAX_VALUE);

  private static final long DIMS_OFFSET = 8; // Dims64: int32 nbDims, 4 bytes padding, int64 d[8]
  private static final int MAX_RANK = 8;

  private static final Object LOCK = new Object();
  private static volatile OutputAllocator[] table = new OutputAllocator[16];

  private final Target target;
  private final int output;
  private final int id;
  private final Arena arena = Arena.ofShared();
  private final MemorySegment object;
  private final IOutputAllocator view;
  private boolean closed;

  OutputAllocator(Target target, int output) {
    this.target = target;
    this.output = output;
    this.id = register(this);
    this.object = arena.allocate(16, 16);
    object.set(ValueLayout.ADDRESS, 0, Stubs.VTABLE_ENTRY);
    object.set(ValueLayout.JAVA_LONG, 8, id);
    this.view = new IOutputAllocator(Pointers.at(object.address(), 16));
  }

  /** The object as the glue's type, for {@code IExecutionContext.setOutputAllocator}. */
  IOutputAllocator view() {
    return view;
  }

  long address() {
    return object.address();
  }

  /** Unregisters and frees the object; the context that used it must be deleted first. */
  @Override
  public void close() {
    synchronized (LOCK) {
      if (closed) {
        return;
      }
      closed = true;
      OutputAllocator[] t = table;
      t[id] = null;
    }
    view.setNull();
    arena.close();
  }

  private static int register(OutputAllocator a) {
    synchronized (LOCK) {
      OutputAllocator[] t = table;
      for (int i = 0; i < t.length; i++) {
        if (t[i] == null) {
          t[i] = a;
          return i;
        }
      }
      OutputAllocator[] grown = java.util.Arrays.copyOf(t, t.length * 2);
      grown[t.length] = a;
      table = grown;
      return t.length;
    }
  }

  private static OutputAllocator of(long self) {
    long id = ALL.get(ValueLayout.JAVA_LONG, self + 8);
    OutputAllocator[] t = table;
    return id >= 0 && id < t.length ? t[(int) id] : null;
  }

  // ---- the upcalls --------------------------------------------------------------------------

  private static int apiLanguage(long self) {
    return 0; // APILanguage::kCPP
  }

  private static MemorySegment interfaceInfo(long self) {
    return Stubs.INFO;
  }

  private static void destroy(long self) {}

  private static long reallocateOutput(
      long self, long name, long current, long size, long alignment) {
    return 0;
  }

  private static long reallocateOutputAsync(
      long self, long name, long current, long size, long alignment, long stream) {
    OutputAllocator a = null;
    try {
      a = of(self);
      if (a == null) {
        return 0;
      }
      return a.target.reallocate(a.output, size);
    } catch (Throwable t) {
      report(a, t);
      return 0;
    }
  }

  private static void notifyShape(long self, long name, long dims) {
    OutputAllocator a = null;
    try {
      a = of(self);
      if (a == null) {
        return;
      }
      int rank = ALL.get(ValueLayout.JAVA_INT, dims);
      if (rank < 0 || rank > MAX_RANK) {
        report(a, new IllegalStateException("TensorRT reported rank " + rank + " for it"));
        return;
      }
      a.target.shape(a.output, rank, dims + DIMS_OFFSET);
    } catch (Throwable t) {
      report(a, t);
    }
  }

  /** Hands an upcall's failure to its target; nothing may escape an upcall. */
  private static void report(OutputAllocator a, Throwable t) {
    if (a == null) {
      return;
    }
    try {
      a.target.failed(a.output, t);
    } catch (Throwable ignored) {
      // nothing may escape an upcall
    }
  }

  /** Dimension {@code k} of a shape TensorRT reported (see {@link Target#shape}). */
  static long dim(long dims, int k) {
    return ALL.get(ValueLayout.JAVA_LONG, dims + 8L * k);
  }

  /** The vtable and its upcall stubs, made once for the process. */
  private static final class Stubs {
    static final MemorySegment INFO;
    static final MemorySegment VTABLE_ENTRY;

    static {
      Arena g = Arena.global();
      StructLayout info =
          MemoryLayout.structLayout(
              ValueLayout.ADDRESS.withName("kind"),
              ValueLayout.JAVA_INT.withName("major"),
              ValueLayout.JAVA_INT.withName("minor"));
      INFO = g.allocate(info);
      INFO.set(ValueLayout.ADDRESS, 0, g.allocateFrom("IOutputAllocator"));
      INFO.set(ValueLayout.JAVA_INT, 8, 1);
      INFO.set(ValueLayout.JAVA_INT, 12, 0);
      var J = ValueLayout.JAVA_LONG;
      var I = ValueLayout.JAVA_INT;
      MemorySegment[] fns = {
        stub("apiLanguage", FunctionDescriptor.of(I, J)),
        stub("interfaceInfo", FunctionDescriptor.of(info, J)),
        stub("destroy", FunctionDescriptor.ofVoid(J)),
        stub("destroy", FunctionDescriptor.ofVoid(J)),
        stub("reallocateOutput", FunctionDescriptor.of(J, J, J, J, J, J)),
        stub("reallocateOutputAsync", FunctionDescriptor.of(J, J, J, J, J, J, J)),
        stub("notifyShape", FunctionDescriptor.ofVoid(J, J, J)),
      };
      MemorySegment vtable = g.allocate(8L * (2 + fns.length), 16);
      vtable.set(ValueLayout.JAVA_LONG, 0, 0L); // offset to top
      vtable.set(ValueLayout.JAVA_LONG, 8, 0L); // no RTTI
      for (int k = 0; k < fns.length; k++) {
        vtable.set(ValueLayout.ADDRESS, 16 + 8L * k, fns[k]);
      }
      VTABLE_ENTRY = vtable.asSlice(16);
    }

    private static MemorySegment stub(String method, FunctionDescriptor fd) {
      try {
        MethodType type = fd.toMethodType();
        var h = MethodHandles.lookup().findStatic(OutputAllocator.class, method, type);
        return Linker.nativeLinker().upcallStub(h, fd, Arena.global());
      } catch (ReflectiveOperationException e) {
        throw new IllegalStateException("upcall " + method + ": " + e, e);
      }
    }
  }
}
