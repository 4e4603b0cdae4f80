package io.github.trt4j.internal.format;

import io.github.trt4j.DataType;
import io.github.trt4j.Shape;
import io.github.trt4j.Tensor;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

/**
 * Reads one NPY array: the header, then the data decoded straight from the stream into the tensor's
 * own array, in 64 KiB pieces. Heap used per array is the tensor itself (for float16, its float
 * array: twice the file's bytes) and one piece; Fortran-order data is placed at its row-major
 * position as it is read, so it needs no second copy either. When the stream's length is unknown,
 * data beyond 16 MiB is gathered as it arrives before the tensor is allocated, so a header claiming
 * gigabytes cannot make this allocate more than what is there.
 */
public final class NpyReader {

  /** Java arrays hold at most about 2^31 elements. */
  private static final long MAX_ELEMENTS = Integer.MAX_VALUE - 8;

  private static final int PIECE = 64 * 1024;
  private static final long UNKNOWN_LENGTH_DIRECT = 16L << 20;

  private NpyReader() {}

  /**
   * Reads an NPY array from {@code in} to its end.
   *
   * @param source names the file (and archive entry) in messages
   * @param size the bytes {@code in} holds when known (a file, an archive entry), else -1
   * @throws IOException naming {@code source} for any malformed, truncated or oversized input
   */
  public static Tensor read(InputStream in, String source, long size) throws IOException {
    NpyHeader h = NpyHeader.read(in, source);
    DataType type = h.type();
    long[] dims = h.dims();
    long count = elementCount(dims, source, h);
    long bytes = count * type.byteSize();
    String what = "header says " + shapeText(dims) + " " + h.descr() + " (" + bytes + " bytes)";
    if (size >= 0 && size - h.dataOffset() < bytes) {
      throw new IOException(
          source
              + ": truncated: "
              + what
              + ", the file has "
              + Math.max(0, size - h.dataOffset())
              + " bytes of data");
    }
    if (bytes > MAX_ELEMENTS) {
      throw new IOException(source + ": " + what + ": more bytes than a Java array holds");
    }
    if (dims.length > Shape.MAX_RANK) {
      throw new IOException(
          source
              + ": "
              + what
              + ": rank "
              + dims.length
              + ", trt4j tensors have at most "
              + Shape.MAX_RANK
              + " dimensions");
    }
    InputStream data = in;
    if (size < 0 && bytes > UNKNOWN_LENGTH_DIRECT) {
      data = gather(in, bytes, source, what);
    }
    Tensor t = decode(data, h, (int) count, source, what);
    if (in.read() != -1) {
      throw new IOException(
          source
              + ": data continues after the array ("
              + what
              + "); the file is damaged or not one NPY array");
    }
    return t;
  }

  /** The data as pieces read before anything of its full size is allocated. */
  private static InputStream gather(InputStream in, long bytes, String source, String what)
      throws IOException {
    List<InputStream> pieces = new ArrayList<>();
    long got = 0;
    while (got < bytes) {
      byte[] p = in.readNBytes((int) Math.min(1 << 20, bytes - got));
      got += p.length;
      if (p.length == 0) {
        throw new IOException(source + ": truncated: " + what + ", got " + got + " bytes of data");
      }
      pieces.add(new ByteArrayInputStream(p));
    }
    return new SequenceInputStream(Collections.enumeration(pieces));
  }

  private static Tensor decode(InputStream in, NpyHeader h, int n, String source, String what)
      throws IOException {
    DataType type = h.type();
    int size = type.byteSize();
    long[] dims = h.dims();
    Shape shape = new Shape(dims);
    Object array =
        switch (type) {
          case FLOAT, HALF -> new float[n];
          case INT32 -> new int[n];
          case INT64 -> new long[n];
          case INT8, UINT8 -> new byte[n];
          case BOOL -> new boolean[n];
          default -> throw new IOException(source + ": NPY type " + type + " is not read");
        };
    FortranCursor fortran = h.fortranOrder() && dims.length > 1 ? new FortranCursor(dims) : null;
    byte[] piece = new byte[(int) Math.min(PIECE, Math.max(8, (long) n * size))];
    ByteBuffer b =
        ByteBuffer.wrap(piece)
            .order(h.bigEndian() ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN);
    int done = 0;
    while (done < n) {
      int m = (int) Math.min(n - done, piece.length / size);
      int got = in.readNBytes(piece, 0, m * size);
      if (got < m * size) {
        throw new IOException(
            source
                + ": truncated: "
                + what
                + ", got "
                + ((long) done * size + got)
                + " bytes of data");
      }
      if (fortran == null) {
        switch (type) {
          case FLOAT -> b.asFloatBuffer().get((float[]) array, done, m);
          case INT32 -> b.asIntBuffer().get((int[]) array, done, m);
          case INT64 -> b.asLongBuffer().get((long[]) array, done, m);
          case INT8, UINT8 -> System.arraycopy(piece, 0, array, done, m);
          default -> {
            for (int i = 0; i < m; i++) {
              put(array, type, done + i, b, i * size);
            }
          }
        }
      } else {
        for (int i = 0; i < m; i++) {
          put(array, type, fortran.next(), b, i * size);
        }
      }
      done += m;
    }
    return switch (type) {
      case FLOAT -> Tensor.ofFloats(shape, (float[]) array);
      case HALF -> Tensor.ofHalfs(shape, (float[]) array);
      case INT32 -> Tensor.ofInts(shape, (int[]) array);
      case INT64 -> Tensor.ofLongs(shape, (long[]) array);
      case INT8, UINT8 -> Tensor.ofBytes(type, shape, (byte[]) array);
      default -> Tensor.ofBooleans(shape, (boolean[]) array);
    };
  }

  private static void put(Object array, DataType type, int at, ByteBuffer b, int from) {
    switch (type) {
      case FLOAT -> ((float[]) array)[at] = b.getFloat(from);
      case HALF -> ((float[]) array)[at] = Fp16.fromHalf(b.getShort(from));
      case INT32 -> ((int[]) array)[at] = b.getInt(from);
      case INT64 -> ((long[]) array)[at] = b.getLong(from);
      case INT8, UINT8 -> ((byte[]) array)[at] = b.get(from);
      case BOOL -> ((boolean[]) array)[at] = b.get(from) != 0;
      default -> throw new IllegalStateException("unreachable: " + type);
    }
  }

  /**
   * Row-major positions of column-major elements, in file order: the file's first index runs
   * fastest; each step moves the row-major offset by that dimension's row-major stride.
   */
  static final class FortranCursor {
    private final long[] dims;
    private final long[] stride;
    private final long[] idx;
    private long offset;
    private boolean started;

    FortranCursor(long[] dims) {
      this.dims = dims;
      this.stride = new long[dims.length];
      this.idx = new long[dims.length];
      long s = 1;
      for (int k = dims.length - 1; k >= 0; k--) {
        stride[k] = s;
        s *= dims[k];
      }
    }

    int next() {
      if (!started) {
        started = true;
        return 0;
      }
      for (int k = 0; k < dims.length; k++) {
        if (++idx[k] < dims[k]) {
          offset += stride[k];
          break;
        }
        offset -= stride[k] * (dims[k] - 1);
        idx[k] = 0;
      }
      return (int) offset;
    }
  }

  /** The product of the dimensions; 0 if one is 0, as NumPy counts; refused if it overflows. */
  private static long elementCount(long[] dims, String source, NpyHeader h) throws IOException {
    long n = 1;
    boolean zero = false;
    for (long d : dims) {
      if (d == 0) {
        zero = true;
        continue;
      }
      if (n > Long.MAX_VALUE / d / 8) {
        throw new IOException(
            source
                + ": NPY shape "
                + shapeText(dims)
                + " of "
                + h.descr()
                + " is too large to exist");
      }
      n *= d;
    }
    return zero ? 0 : n;
  }

  static String shapeText(long[] dims) {
    if (dims.length <= 16) {
      return Arrays.toString(dims);
    }
    String head = Arrays.toString(Arrays.copyOf(dims, 16));
    return head.substring(0, head.length() - 1) + ", … (" + dims.length + " dimensions)]";
  }
}
