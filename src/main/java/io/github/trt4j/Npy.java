package io.github.trt4j;

import io.github.trt4j.internal.HostCodec;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
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
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * NumPy {@code .npy} files (format versions 1, 2 and 3), C order, little-endian, for every data
 * type trt4j carries: float32, float16, int8, uint8, int32, int64 and bool. BF16 tensors, which
 * NumPy has no type for, are written as float32.
 */
public final class Npy {

  private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
  private static final Pattern DESCR = Pattern.compile("'descr'\\s*:\\s*'([^']*)'");
  private static final Pattern FORTRAN = Pattern.compile("'fortran_order'\\s*:\\s*(True|False)");
  private static final Pattern SHAPE = Pattern.compile("'shape'\\s*:\\s*\\(([^)]*)\\)");

  private Npy() {}

  /**
   * Reads a {@code .npy} file.
   *
   * @throws IOException naming the file when it is missing, not NPY, truncated or of an
   *     unsupported type or layout
   */
  public static Tensor read(Path file) throws IOException {
    if (!Files.isRegularFile(file)) {
      throw new java.nio.file.NoSuchFileException(file.toString(), null, "NPY file not found");
    }
    try (InputStream in = new BufferedInputStream(Files.newInputStream(file))) {
      return read(in, file.toString());
    }
  }

  /** Reads NPY data from a stream; {@code source} names it in messages. */
  public static Tensor read(InputStream stream, String source) throws IOException {
    DataInputStream in = new DataInputStream(stream);
    byte[] magic = new byte[8];
    try {
      in.readFully(magic);
    } catch (EOFException e) {
      throw new IOException(source + ": not an NPY file (shorter than its 8-byte preamble)");
    }
    for (int i = 0; i < MAGIC.length; i++) {
      if (magic[i] != MAGIC[i]) {
        throw new IOException(source + ": not an NPY file (no \\x93NUMPY magic)");
      }
    }
    int major = magic[6];
    long headerLength;
    if (major == 1) {
      headerLength = Short.toUnsignedInt(Short.reverseBytes(in.readShort()));
    } else if (major == 2 || major == 3) {
      headerLength = Integer.toUnsignedLong(Integer.reverseBytes(in.readInt()));
    } else {
      throw new IOException(source + ": unsupported NPY format version " + major);
    }
    byte[] header = new byte[(int) headerLength];
    in.readFully(header);
    String h = new String(header, major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
    String descr = group(DESCR, h, source, "descr");
    if ("True".equals(group(FORTRAN, h, source, "fortran_order"))) {
      throw new IOException(source + ": Fortran-order arrays are not supported; save in C order");
    }
    Shape shape = parseShape(group(SHAPE, h, source, "shape"), source);
    DataType type = typeOf(descr, source);
    long count = shape.elementCount();
    long bytes = type.bytesFor(count);
    if (bytes > Integer.MAX_VALUE - 8) {
      throw new IOException(source + ": " + bytes + " bytes of data is more than one array holds");
    }
    byte[] data = new byte[(int) bytes];
    try {
      in.readFully(data);
    } catch (EOFException e) {
      throw new IOException(
          source + ": truncated: header says " + shape + " " + descr + " (" + bytes + " bytes)");
    }
    return HostCodec.decode(type, shape, MemorySegment.ofArray(data));
  }

  private static String group(Pattern p, String header, String source, String key) throws IOException {
    Matcher m = p.matcher(header);
    if (!m.find()) {
      throw new IOException(source + ": NPY header has no '" + key + "': " + header.trim());
    }
    return m.group(1);
  }

  static Shape parseShape(String text, String source) throws IOException {
    List<Long> dims = new ArrayList<>();
    for (String part : text.split(",")) {
      String p = part.trim();
      if (p.isEmpty()) {
        continue;
      }
      try {
        dims.add(Long.parseLong(p.endsWith("L") ? p.substring(0, p.length() - 1) : p));
      } catch (NumberFormatException e) {
        throw new IOException(source + ": bad NPY shape (" + text + ")");
      }
    }
    return new Shape(dims.stream().mapToLong(Long::longValue).toArray());
  }

  static DataType typeOf(String descr, String source) throws IOException {
    if (descr.length() >= 2 && descr.charAt(0) == '>' && !descr.endsWith("1")) {
      throw new IOException(source + ": big-endian data ('" + descr + "') is not supported");
    }
    String d = descr.length() >= 2 && "<|=".indexOf(descr.charAt(0)) >= 0 ? descr.substring(1) : descr;
    return switch (d) {
      case "f4" -> DataType.FLOAT;
      case "f2" -> DataType.HALF;
      case "i4" -> DataType.INT32;
      case "i8" -> DataType.INT64;
      case "i1" -> DataType.INT8;
      case "u1" -> DataType.UINT8;
      case "b1" -> DataType.BOOL;
      default ->
          throw new IOException(
              source + ": NPY type '" + descr + "' is not supported (float32, float16, int8, uint8,"
                  + " int32, int64, bool)");
    };
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
   * savez_compressed} write it), by name without the {@code .npy} suffix, in archive order.
   *
   * @throws IOException naming the file and entry when one cannot be read
   */
  public static java.util.Map<String, Tensor> readNpz(Path file) throws IOException {
    if (!Files.isRegularFile(file)) {
      throw new java.nio.file.NoSuchFileException(file.toString(), null, "NPZ file not found");
    }
    java.util.Map<String, Tensor> out = new java.util.LinkedHashMap<>();
    try (java.util.zip.ZipInputStream zip =
        new java.util.zip.ZipInputStream(new BufferedInputStream(Files.newInputStream(file)))) {
      java.util.zip.ZipEntry e;
      while ((e = zip.getNextEntry()) != null) {
        String name = e.getName().replaceFirst("\\.npy$", "");
        out.put(name, read(zip, file + "[" + e.getName() + "]"));
      }
    } catch (java.util.zip.ZipException z) {
      throw new IOException(file + ": not an NPZ (zip) archive: " + z.getMessage(), z);
    }
    if (out.isEmpty()) {
      throw new IOException(file + ": not an NPZ archive (no entries)");
    }
    return out;
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
