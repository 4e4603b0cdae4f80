package io.github.trt4j.internal.format;

import io.github.trt4j.DataType;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The preamble and header of an NPY file, read as NumPy's {@code numpy.lib.format} reads them:
 * magic, version (1.0, 2.0 or 3.0 only), a little-endian header length (16 bits in version 1, 32
 * bits unsigned in 2 and 3), the header (Latin-1, or UTF-8 in version 3) parsed as a Python dict
 * literal with exactly the keys {@code descr}, {@code fortran_order} and {@code shape}.
 *
 * @param type the element type
 * @param bigEndian whether the data is stored big-endian ({@code >} in a multi-byte descr)
 * @param fortranOrder whether the data is stored column-major
 * @param dims the shape
 * @param descr the descr as written, for messages
 * @param dataOffset where the data starts, in bytes from the start of the file
 */
public record NpyHeader(
    DataType type,
    boolean bigEndian,
    boolean fortranOrder,
    long[] dims,
    String descr,
    long dataOffset) {

  /** NumPy's default {@code max_header_size}: longer headers are refused before parsing. */
  public static final int MAX_HEADER_CHARS = 10_000;

  private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
  private static final Set<String> KEYS = Set.of("descr", "fortran_order", "shape");

  public NpyHeader {
    dims = dims.clone();
  }

  @Override
  public long[] dims() {
    return dims.clone();
  }

  /** Reads the preamble and header from {@code in}, leaving it at the first data byte. */
  public static NpyHeader read(InputStream stream, String source) throws IOException {
    DataInputStream in = new DataInputStream(stream);
    byte[] magic = new byte[8];
    int got = in.readNBytes(magic, 0, 8);
    if (got < 6) {
      throw new IOException(
          source + ": not an NPY file (" + got + " bytes, shorter than its magic)");
    }
    for (int i = 0; i < MAGIC.length; i++) {
      if (magic[i] != MAGIC[i]) {
        throw new IOException(source + ": not an NPY file (no \\x93NUMPY magic)");
      }
    }
    if (got < 8) {
      throw new IOException(source + ": truncated NPY preamble (" + got + " bytes)");
    }
    int major = Byte.toUnsignedInt(magic[6]);
    int minor = Byte.toUnsignedInt(magic[7]);
    if (major < 1 || major > 3 || minor != 0) {
      throw new IOException(
          source
              + ": NPY format version "
              + major
              + "."
              + minor
              + " is not one of 1.0, 2.0 and 3.0");
    }
    long length;
    try {
      length =
          major == 1
              ? Short.toUnsignedInt(Short.reverseBytes(in.readShort()))
              : Integer.toUnsignedLong(Integer.reverseBytes(in.readInt()));
    } catch (EOFException e) {
      throw new IOException(source + ": truncated NPY preamble (no header length)");
    }
    // Latin-1 is one byte per character, UTF-8 at most four: refuse before allocating.
    long maxBytes = major == 3 ? 4L * MAX_HEADER_CHARS : MAX_HEADER_CHARS;
    if (length > maxBytes) {
      throw new IOException(
          source
              + ": NPY header of "
              + length
              + " bytes is longer than the "
              + MAX_HEADER_CHARS
              + " characters NumPy reads by default");
    }
    byte[] raw = in.readNBytes((int) length);
    if (raw.length < length) {
      throw new IOException(
          source + ": truncated NPY header (" + raw.length + " of " + length + " bytes)");
    }
    String text = decode(raw, major, source);
    if (text.codePointCount(0, text.length()) > MAX_HEADER_CHARS) {
      throw new IOException(
          source + ": NPY header longer than " + MAX_HEADER_CHARS + " characters");
    }
    long offset = (major == 1 ? 10 : 12) + length;
    return parse(text, major, source, offset);
  }

  private static String decode(byte[] raw, int major, String source) throws IOException {
    if (major < 3) {
      return new String(raw, StandardCharsets.ISO_8859_1);
    }
    try {
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(raw))
          .toString();
    } catch (CharacterCodingException e) {
      throw new IOException(source + ": NPY version 3 header is not valid UTF-8");
    }
  }

  static NpyHeader parse(String text, int major, String source, long dataOffset)
      throws IOException {
    Object v;
    try {
      v = PyLiteral.parse(text, major < 3);
    } catch (PyLiteral.SyntaxError | RuntimeException e) {
      // A RuntimeException here would be a parser bug; the caller still gets the file's name.
      throw new IOException(
          source
              + ": NPY header is not a Python literal ("
              + clip(e.getMessage(), 300)
              + "): "
              + abbreviate(text));
    }
    if (!(v instanceof Map<?, ?> m)) {
      throw new IOException(source + ": NPY header is not a dict: " + abbreviate(text));
    }
    Set<String> keys = new TreeSet<>();
    for (Object k : m.keySet()) {
      if (!(k instanceof String ks)) {
        throw new IOException(source + ": NPY header has a non-string key " + repr(k));
      }
      keys.add(ks);
    }
    if (!keys.equals(KEYS)) {
      Set<String> missing = new TreeSet<>(KEYS);
      missing.removeAll(keys);
      Set<String> extra = new TreeSet<>(keys);
      extra.removeAll(KEYS);
      throw new IOException(
          source
              + ": NPY header keys are "
              + keys
              + "; NumPy needs exactly"
              + " [descr, fortran_order, shape]"
              + (missing.isEmpty() ? "" : " (missing " + missing + ")")
              + (extra.isEmpty() ? "" : " (unknown " + extra + ")"));
    }
    if (!(m.get("fortran_order") instanceof Boolean fortran)) {
      throw new IOException(
          source
              + ": NPY 'fortran_order' is "
              + repr(m.get("fortran_order"))
              + ", not True or False");
    }
    long[] dims = shape(m.get("shape"), source);
    Object d = m.get("descr");
    if (!(d instanceof String descr)) {
      throw new IOException(
          source
              + ": NPY descr "
              + repr(d)
              + " is not supported"
              + " (structured or non-string dtypes); trt4j reads "
              + SUPPORTED);
    }
    return new NpyHeader(typeOf(descr, source), bigEndian(descr), fortran, dims, descr, dataOffset);
  }

  private static long[] shape(Object s, String source) throws IOException {
    if (!(s instanceof PyLiteral.Tuple t)) {
      throw new IOException(source + ": NPY 'shape' is " + repr(s) + ", not a tuple");
    }
    List<Object> items = t.items();
    long[] dims = new long[items.size()];
    for (int i = 0; i < dims.length; i++) {
      Object o = items.get(i);
      // Booleans are ints to Python; a shape of True is a damaged header, not a length of 1.
      if (!(o instanceof BigInteger b)) {
        throw new IOException(
            source + ": NPY 'shape' " + repr(s) + " holds " + repr(o) + ", not an integer");
      }
      if (b.signum() < 0 || b.bitLength() > 63) {
        throw new IOException(
            source
                + ": NPY 'shape' "
                + repr(s)
                + " has dimension "
                + clip(b.toString(), 40)
                + (b.signum() < 0 ? " (negative)" : " (too large)"));
      }
      dims[i] = b.longValue();
    }
    return dims;
  }

  static final String SUPPORTED =
      "float32 (f4), float16 (f2), int8 (i1), uint8 (u1), int32 (i4),"
          + " int64 (i8) and bool (b1), either byte order";

  /** The trt4j type of a NumPy descr such as {@code <f4}, {@code |b1} or {@code >i8}. */
  public static DataType typeOf(String descr, String source) throws IOException {
    String d =
        descr.length() >= 2 && "<>|=".indexOf(descr.charAt(0)) >= 0 ? descr.substring(1) : descr;
    DataType t =
        switch (d) {
          case "f4" -> DataType.FLOAT;
          case "f2" -> DataType.HALF;
          case "i4" -> DataType.INT32;
          case "i8" -> DataType.INT64;
          case "i1" -> DataType.INT8;
          case "u1" -> DataType.UINT8;
          case "b1", "?" -> DataType.BOOL;
          default -> null;
        };
    if (t == null) {
      throw new IOException(
          source
              + ": NPY type '"
              + clip(descr, 40)
              + "' is not supported; trt4j reads "
              + SUPPORTED);
    }
    return t;
  }

  private static boolean bigEndian(String descr) {
    return descr.startsWith(">");
  }

  /** Python's repr of a header value, cut so that a hostile header cannot make a huge message. */
  private static String repr(Object v) {
    return clip(PyLiteral.repr(v), 100);
  }

  private static String clip(String s, int max) {
    return s == null || s.length() <= max
        ? s
        : s.substring(0, max) + "… (" + s.length() + " characters)";
  }

  private static String abbreviate(String text) {
    String t = text.strip();
    return t.length() <= 200 ? t : t.substring(0, 200) + "…";
  }
}
