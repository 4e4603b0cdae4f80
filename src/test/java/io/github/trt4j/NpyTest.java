package io.github.trt4j;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NpyTest {

  @Test
  void roundTripsEveryType() throws IOException {
    Shape s = Shape.of(2, 3);
    Tensor[] all = {
      Tensor.ofFloats(s, new float[] {1, 2, 3, 4, 5, -6.5f}),
      Tensor.ofHalfs(s, new float[] {1, 2, 3, 4, 5, -6.5f}),
      Tensor.ofInts(s, new int[] {1, 2, 3, 4, 5, -6}),
      Tensor.ofLongs(s, new long[] {1, 2, 3, 4, 5, Long.MIN_VALUE}),
      Tensor.ofBytes(DataType.INT8, s, new byte[] {1, 2, 3, 4, 5, -6}),
      Tensor.ofBytes(DataType.UINT8, s, new byte[] {1, 2, 3, 4, 5, (byte) 250}),
      Tensor.ofBooleans(s, new boolean[] {true, false, true, true, false, false}),
      Tensor.ofFloats(Shape.of(), new float[] {7}),
      Tensor.ofFloats(Shape.of(4), new float[] {1, 2, 3, 4}),
    };
    for (Tensor t : all) {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      Npy.write(out, t);
      byte[] bytes = out.toByteArray();
      Tensor back = Npy.read(new ByteArrayInputStream(bytes), "mem");
      assertEquals(t.dataType(), back.dataType(), t.toString());
      assertEquals(t.shape(), back.shape());
      assertArrayEquals(t.toFloats(), back.toFloats());
    }
  }

  @Test
  void writesTheHeaderNumpyWrites() throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    Npy.write(out, Tensor.ofFloats(Shape.of(3), new float[3]));
    byte[] b = out.toByteArray();
    int headerLength = (b[8] & 0xFF) | (b[9] & 0xFF) << 8;
    assertEquals(0, (10 + headerLength) % 64, "data starts 64-byte aligned");
    String header = new String(b, 10, headerLength, java.nio.charset.StandardCharsets.ISO_8859_1);
    assertEquals("{'descr': '<f4', 'fortran_order': False, 'shape': (3,), }", header.trim());
    assertTrue(header.endsWith("\n"));
    assertEquals(10 + headerLength + 12, b.length);
  }

  @Test
  void readsFilesWrittenByNumpy() throws IOException {
    // Written by numpy in scripts/make_test_models.py: an independent writer.
    Tensor eye = TestModels.npy("seed.in.eye.npy");
    assertEquals(DataType.FLOAT, eye.dataType());
    assertEquals(Shape.of(2, 36, 60, 1), eye.shape());
    Tensor idx = TestModels.npy("seed.in.frame_index.npy");
    assertEquals(DataType.INT64, idx.dataType());
    assertArrayEquals(new long[] {41, 41}, idx.longs());
    Tensor positive = TestModels.npy("mixed.out.positive.npy");
    assertEquals(DataType.BOOL, positive.dataType());
    Tensor h = TestModels.npy("mixed.in.h.npy");
    assertEquals(DataType.HALF, h.dataType());
    boolean[] expected = new boolean[h.size()];
    for (int i = 0; i < expected.length; i++) {
      expected[i] = h.floats()[i] > 0;
    }
    assertArrayEquals(expected, positive.booleans());
    assertEquals(DataType.INT32, TestModels.npy("mixed.out.floor4.npy").dataType());
  }

  @Test
  void badFilesAreNamed(@TempDir Path dir) throws IOException {
    Path p = dir.resolve("bad.npy");
    Files.write(p, "hello world".getBytes());
    IOException e = assertThrows(IOException.class, () -> Npy.read(p));
    assertEquals(p + ": not an NPY file (no \\x93NUMPY magic)", e.getMessage());
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    Npy.write(out, Tensor.ofFloats(Shape.of(8), new float[8]));
    byte[] full = out.toByteArray();
    Files.write(p, Arrays.copyOf(full, full.length - 5));
    e = assertThrows(IOException.class, () -> Npy.read(p));
    assertTrue(
        e.getMessage().startsWith(p + ": truncated: header says [8] <f4 (32 bytes)"),
        e.getMessage());
    String fortran =
        new String(full, java.nio.charset.StandardCharsets.ISO_8859_1).replace("False", "True ");
    Files.write(p, fortran.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
    // One dimension: Fortran and C order are the same bytes.
    assertArrayEquals(new float[8], Npy.read(p).floats());
    String f64 =
        new String(full, java.nio.charset.StandardCharsets.ISO_8859_1).replace("<f4", "<f8");
    Files.write(p, f64.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
    e = assertThrows(IOException.class, () -> Npy.read(p));
    assertTrue(e.getMessage().contains("'<f8' is not supported"), e.getMessage());
    assertThrows(java.nio.file.NoSuchFileException.class, () -> Npy.read(dir.resolve("none.npy")));
  }
}
