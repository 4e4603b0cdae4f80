package io.github.trt4j;

import io.github.trt4j.internal.HostCodec;
import io.github.trt4j.internal.format.NpyHeader;
import io.github.trt4j.internal.format.NpyReader;
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
 * NumPy {@code .npy} and {@code .npz} files, read as strictly as NumPy reads them: format versions
 * 1.0, 2.0 and 3.0; the header parsed as the Python dict literal it is (exactly the keys {@code
 * descr}, {@code fortran_order} and {@code shape}; a repeated key is refused, where NumPy would
 * silently keep the last); at most 10 000 header characters (NumPy's default); the data length
 * checked against the shape before anything is allocated; Fortran-order data transposed to
 * row-major; big-endian data converted. Types: float32, float16, int8, uint8, int32, int64 and
 * bool. BF16 tensors, which NumPy has no type for, are written as float32.
 *
 * <p>Deliberately stricter than NumPy: a repeated header key, data after the array's last byte, a
 * shape holding {@code True}/{@code False}, and NPZ archives with repeated names, entries that are
 * not {@code .npy}, or a wrong CRC are refused. Every failure is an {@link IOException} whose
 * message names the file (and the archive entry) and what is wrong.
 */
public final class Npy {

  private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};

  private Npy() {}

  /**
   * Reads a {@code .npy} file.
   *
   * @param file the {@code .npy} file
   * @return its array
   * @throws IOException naming the file when it is missing, not a regular file, not NPY, truncated,
   *     longer than its array, or of an unsupported type
   */
  public static Tensor read(Path file) throws IOException {
    PlanDigest.requireRegularFile(file, "NPY");
    long size = Files.size(file);
    try (InputStream in = new BufferedInputStream(Files.newInputStream(file))) {
      return read(in, file.toString(), size);
    }
  }

  /**
   * Reads NPY data from a stream to its end; {@code source} names it in messages.
   *
   * @param stream the NPY data
   * @param source the data's name for messages
   * @return its array
   * @throws IOException naming {@code source} when the data cannot be read or is not NPY
   */
  public static Tensor read(InputStream stream, String source) throws IOException {
    return read(stream, source, -1);
  }

  /**
   * @param size the stream's length when known (a file), else -1: then the data is read as it
   *     arrives, so a header claiming gigabytes cannot make this allocate more than what is there
   */
  static Tensor read(InputStream in, String source, long size) throws IOException {
    return NpyReader.read(in, source, size);
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
   * @param file the {@code .npz} file
   * @return its arrays by name
   * @throws IOException naming the file and entry when one cannot be read
   */
  public static Map<String, Tensor> readNpz(Path file) throws IOException {
    return readAll(file, NpzLimits.defaults());
  }

  /**
   * Reads every array of an NPZ archive through its central directory: a truncated archive, a
   * repeated name, an entry that is not {@code .npy}, a wrong CRC or an archive beyond {@code
   * limits} is refused. An archive with no entries gives an empty map, as in NumPy.
   *
   * @param file the {@code .npz} file
   * @param limits the largest archive to accept
   * @return its arrays by name
   * @throws IOException naming the file and entry when one cannot be read or a limit is exceeded
   */
  public static Map<String, Tensor> readAll(Path file, NpzLimits limits) throws IOException {
    PlanDigest.requireRegularFile(file, "NPZ");
    return NpzArchive.read(file, limits);
  }

  /**
   * Writes {@code t} to {@code file} (BF16 as float32).
   *
   * @param file the file to write
   * @param t the array
   * @throws IOException if the file cannot be written
   */
  public static void write(Path file, Tensor t) throws IOException {
    try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file))) {
      write(out, t);
    }
  }

  /**
   * Writes NPY format version 1.0 (2.0 if the header needs it).
   *
   * @param out where to write (left open)
   * @param t the array
   * @throws IOException if writing fails
   */
  public static void write(OutputStream out, Tensor t) throws IOException {
    Tensor data = t.dataType() == DataType.BF16 ? Tensor.ofFloats(t.shape(), t.floats()) : t;
    StringBuilder shape = new StringBuilder("(");
    for (int i = 0; i < t.shape().rank(); i++) {
      shape
          .append(t.shape().dim(i))
          .append(t.shape().rank() == 1 ? "," : (i + 1 < t.shape().rank() ? ", " : ""));
    }
    shape.append(")");
    String dict =
        "{'descr': '"
            + descrOf(data.dataType())
            + "', 'fortran_order': False, 'shape': "
            + shape
            + ", }";
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
