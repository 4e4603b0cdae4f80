package io.github.trt4j;

import io.github.trt4j.internal.HostCodec;
import io.github.trt4j.internal.format.NpyHeader;
import io.github.trt4j.internal.format.NpzArchive;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * NumPy {@code .npy} and {@code .npz} files, read as strictly as NumPy reads them: format
 * versions 1.0, 2.0 and 3.0; the header parsed as the Python dict literal it is (exactly the
 * keys {@code descr}, {@code fortran_order} and {@code shape}; a repeated key is refused, where
 * NumPy would silently keep the last); at most 10 000 header characters (NumPy's default); the
 * data length checked against the shape before anything is allocated; Fortran-order data
 * transposed to row-major; big-endian data converted. Types: float32, float16, int8, uint8, int32,
 * int64 and bool. BF16 tensors, which NumPy has no type for, are written as float32.
 *
 * <p>Deliberately stricter than NumPy: a repeated header key, data after the array's last byte,
 * a shape holding {@code True}/{@code False}, and NPZ archives with repeated names, entries that
 * are not {@code .npy}, or a wrong CRC are refused. Every failure is an {@link IOException} whose
 * message names the file (and the archive entry) and what is wrong.
 */
public final class Npy {

  private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
  /** Java arrays hold at most about 2^31 elements. */
  private static final long MAX_ELEMENTS = Integer.MAX_VALUE - 8;

  private Npy() {}

  /**
   * Reads a {@code .npy} file.
   *
   * @throws IOException naming the file when it is missing, not a regular file, not NPY,
   *     truncated, longer than its array, or of an unsupported type
   */
  public static Tensor read(Path file) throws IOException {
    PlanDigest.requireRegularFile(file, "NPY");
    long size = Files.size(file);
    try (InputStream in = new BufferedInputStream(Files.newInputStream(file))) {
      return read(in, file.toString(), size);
    }
  }

  /** Reads NPY data from a stream to its end; {@code source} names it in messages. */
  public static Tensor read(InputStream stream, String source) throws IOException {
    return read(stream, source, -1);
  }

  /**
   * @param size the stream's length when known (a file), else -1: then the data is read as it
   *     arrives, so a header claiming gigabytes cannot make this allocate more than what is there
   */
  static Tensor read(InputStream in, String source, long size) throws IOException {
    NpyHeader h = NpyHeader.read(in, source);
    DataType type = h.type();
    long count = elementCount(h.dims(), source, h);
    long bytes = count * type.byteSize();
    String what = "header says " + shapeText(h.dims()) + " " + h.descr() + " (" + bytes + " bytes)";
    if (size >= 0 && size - h.dataOffset() < bytes) {
      throw new IOException(source + ": truncated: " + what + ", the file has "
          + Math.max(0, size - h.dataOffset()) + " bytes of data");
    }
    if (bytes > MAX_ELEMENTS) {
      throw new IOException(source + ": " + what + ": more bytes than a Java array holds");
    }
    if (h.dims().length > Shape.MAX_RANK) {
      throw new IOException(source + ": " + what + ": rank " + h.dims().length
          + ", trt4j tensors have at most " + Shape.MAX_RANK + " dimensions");
    }
    byte[] data = in.readNBytes((int) bytes);
    if (data.length < bytes) {
      throw new IOException(source + ": truncated: " + what + ", got " + data.length + " bytes of data");
    }
    if (in.read() != -1) {
      throw new IOException(source + ": data continues after the array (" + what
          + "); the file is damaged or not one NPY array");
    }
    if (h.bigEndian() && type.byteSize() > 1) {
      swapBytes(data, type.byteSize());
    }
    if (h.fortranOrder() && h.dims().length > 1 && count > 0) {
      data = fortranToC(data, h.dims(), type.byteSize());
    }
    return HostCodec.decode(type, new Shape(h.dims()), MemorySegment.ofArray(data));
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
        throw new IOException(source + ": NPY shape " + shapeText(dims) + " of " + h.descr()
            + " is too large to exist");
      }
      n *= d;
    }
    return zero ? 0 : n;
  }

  private static String shapeText(long[] dims) {
    if (dims.length <= 16) {
      return java.util.Arrays.toString(dims);
    }
    String head = java.util.Arrays.toString(java.util.Arrays.copyOf(dims, 16));
    return head.substring(0, head.length() - 1) + ", … (" + dims.length + " dimensions)]";
  }

  private static void swapBytes(byte[] a, int size) {
    for (int i = 0; i + size <= a.length; i += size) {
      for (int j = 0; j < size / 2; j++) {
        byte t = a[i + j];
        a[i + j] = a[i + size - 1 - j];
        a[i + size - 1 - j] = t;
      }
    }
  }

  /** Column-major (first index fastest) elements to row-major (last index fastest). */
  static byte[] fortranToC(byte[] f, long[] dims, int size) {
    int rank = dims.length;
    int n = f.length / size;
    // Fortran stride of each dimension, in elements.
    long[] stride = new long[rank];
    long s = 1;
    for (int k = 0; k < rank; k++) {
      stride[k] = s;
      s *= dims[k];
    }
    byte[] c = new byte[f.length];
    long[] idx = new long[rank];
    long src = 0;
    for (int i = 0; i < n; i++) {
      System.arraycopy(f, (int) (src * size), c, i * size, size);
      // Advance the row-major counter (last dimension fastest), keeping src in step.
      for (int k = rank - 1; k >= 0; k--) {
        if (++idx[k] < dims[k]) {
          src += stride[k];
          break;
        }
        src -= stride[k] * (dims[k] - 1);
        idx[k] = 0;
      }
    }
    return c;
  }

  static DataType typeOf(String descr, String source) throws IOException {
    return NpyHeader.typeOf(descr, source);
  }

  static String descrOf(DataType t) {
    return switch (t) {
      case FLOAT, BF16 -> "<f4";
      case HALF -> "<f2";
      case INT32 -> "<i4";
      case INT64 -> "<i8";
      case INT8 -> "|i1";
      case UINT8 -> "|u1";
      case BOOL -> "|b1";
      default -> throw new IllegalArgumentException(t + " has no NPY type");
    };
  }

  /**
   * Reads every array of a NumPy {@code .npz} archive (as {@code numpy.savez} or {@code
   * savez_compressed} write it), by name without the {@code .npy} suffix, in archive order, within
   * {@link NpzLimits#defaults()}.
   *
   * @throws IOException naming the file and entry when one cannot be read
   */
  public static Map<String, Tensor> readNpz(Path file) throws IOException {
    return readAll(file, NpzLimits.defaults());
  }

  /**
   * Reads every array of an NPZ archive through its central directory: a truncated archive, a
   * repeated name, an entry that is not {@code .npy}, a wrong CRC or an archive beyond {@code
   * limits} is refused. An archive with no entries gives an empty map, as in NumPy.
   */
  public static Map<String, Tensor> readAll(Path file, NpzLimits limits) throws IOException {
    PlanDigest.requireRegularFile(file, "NPZ");
    return NpzArchive.read(file, limits);
  }

  /** Writes {@code t} to {@code file} (BF16 as float32). */
  public static void write(Path file, Tensor t) throws IOException {
    try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file))) {
      write(out, t);
    }
  }

  /** Writes NPY format version 1.0 (2.0 if the header needs it). */
  public static void write(OutputStream out, Tensor t) throws IOException {
    Tensor data = t.dataType() == DataType.BF16 ? Tensor.ofFloats(t.shape(), t.floats()) : t;
    StringBuilder shape = new StringBuilder("(");
    for (int i = 0; i < t.shape().rank(); i++) {
      shape.append(t.shape().dim(i)).append(t.shape().rank() == 1 ? "," : (i + 1 < t.shape().rank() ? ", " : ""));
    }
    shape.append(")");
    String dict = "{'descr': '" + descrOf(data.dataType()) + "', 'fortran_order': False, 'shape': "
        + shape + ", }";
    int preamble = 10;
    int total = preamble + dict.length() + 1;
    int padded = (total + 63) / 64 * 64;
    boolean v2 = padded - preamble > 0xFFFF;
    if (v2) {
      preamble = 12;
      total = preamble + dict.length() + 1;
      padded = (total + 63) / 64 * 64;
    }
    String header = dict + " ".repeat(padded - total) + "\n";
    ByteBuffer pre = ByteBuffer.allocate(preamble).order(ByteOrder.LITTLE_ENDIAN);
    pre.put(MAGIC).put((byte) (v2 ? 2 : 1)).put((byte) 0);
    if (v2) {
      pre.putInt(header.length());
    } else {
      pre.putShort((short) header.length());
    }
    out.write(pre.array());
    out.write(header.getBytes(StandardCharsets.ISO_8859_1));
    long bytes = data.dataType().bytesFor(data.size());
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment seg = arena.allocate(Math.max(1, bytes));
      HostCodec.encode(data, seg);
      out.write(seg.asSlice(0, bytes).toArray(java.lang.foreign.ValueLayout.JAVA_BYTE));
    }
  }
}
