package io.github.trt4j;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** NPY/NPZ files built byte by byte here (not by trt4j's writer): the format's corners. */
class NpyStrictTest {

  /** An NPY file of format {@code major} with {@code header} as given and {@code data} after it. */
  static byte[] npy(int major, String header, byte[] data) {
    byte[] h = header.getBytes(major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
    ByteBuffer b = ByteBuffer.allocate(12 + h.length + data.length).order(ByteOrder.LITTLE_ENDIAN);
    b.put(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', (byte) major, 0});
    if (major == 1) {
      b.putShort((short) h.length);
    } else {
      b.putInt(h.length);
    }
    b.put(h).put(data);
    return java.util.Arrays.copyOf(b.array(), b.position());
  }

  static byte[] le(int... v) {
    ByteBuffer b = ByteBuffer.allocate(4 * v.length).order(ByteOrder.LITTLE_ENDIAN);
    for (int x : v) {
      b.putInt(x);
    }
    return b.array();
  }

  private static Tensor read(Path dir, byte[] bytes) throws IOException {
    Path p = dir.resolve("t.npy");
    Files.write(p, bytes);
    return Npy.read(p);
  }

  private static String refused(Path dir, byte[] bytes) {
    Path p = dir.resolve("t.npy");
    IOException e =
        assertThrows(
            IOException.class,
            () -> {
              Files.write(p, bytes);
              Npy.read(p);
            });
    assertTrue(e.getMessage().startsWith(p.toString()), e.getMessage());
    return e.getMessage();
  }

  @Test
  void versionTwoAndThreeHaveA32BitHeaderLength(@TempDir Path dir) throws IOException {
    String h = "{'descr': '<i4', 'fortran_order': False, 'shape': (3,), }\n";
    for (int major = 1; major <= 3; major++) {
      Tensor t = read(dir, npy(major, h, le(7, -8, 9)));
      assertArrayEquals(new int[] {7, -8, 9}, t.ints(), "version " + major);
    }
    // Version 3 headers are UTF-8 (a comment is the one place a header may hold such text).
    Tensor t =
        read(
            dir, npy(3, "{'descr': '<i4', 'fortran_order': False, 'shape': (1,)} # żółw\n", le(5)));
    assertArrayEquals(new int[] {5}, t.ints());
  }

  @Test
  void hugeHeaderLengthsAreRefusedBeforeReading(@TempDir Path dir) {
    for (long len : new long[] {1L << 31, 0xFFFFFFFFL, (1L << 31) - 1, 40_001}) {
      ByteBuffer b = ByteBuffer.allocate(40).order(ByteOrder.LITTLE_ENDIAN);
      b.put(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 2, 0}).putInt((int) len);
      String m = refused(dir, b.array());
      assertTrue(m.contains("NPY header of " + len + " bytes is longer than the 10000"), m);
    }
    String pad = " ".repeat(10_001);
    String m =
        refused(
            dir,
            npy(2, "{'descr': '<i4', 'fortran_order': False, 'shape': (1,)}" + pad + "\n", le(1)));
    assertTrue(m.contains("longer than the 10000"), m);
  }

  @Test
  void aSmallFileClaimingGigabytesIsRefusedWithoutAllocating(@TempDir Path dir) throws IOException {
    byte[] f =
        npy(1, "{'descr': '<f4', 'fortran_order': False, 'shape': (536870912,), }\n", new byte[64]);
    assertTrue(f.length < 200);
    Path p = dir.resolve("big.npy");
    Files.write(p, f);
    var mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    long id = Thread.currentThread().threadId();
    long before = mx.getThreadAllocatedBytes(id);
    IOException e = assertThrows(IOException.class, () -> Npy.read(p));
    long allocated = mx.getThreadAllocatedBytes(id) - before;
    assertTrue(
        e.getMessage()
            .startsWith(
                p
                    + ": truncated: header says [536870912] <f4 (2147483648 bytes),"
                    + " the file has 64 bytes of data"),
        e.getMessage());
    assertTrue(allocated < 16 << 20, "allocated " + allocated + " bytes");
    // Through a stream (an NPZ entry) the length is unknown: it reads what is there, no more.
    before = mx.getThreadAllocatedBytes(id);
    e = assertThrows(IOException.class, () -> Npy.read(new java.io.ByteArrayInputStream(f), "s"));
    allocated = mx.getThreadAllocatedBytes(id) - before;
    assertTrue(
        e.getMessage()
            .startsWith(
                "s: header says [536870912] <f4 (2147483648 bytes): more bytes"
                    + " than a Java array holds"),
        e.getMessage());
    byte[] g =
        npy(1, "{'descr': '<f4', 'fortran_order': False, 'shape': (400000000,), }\n", new byte[64]);
    before = mx.getThreadAllocatedBytes(id);
    e = assertThrows(IOException.class, () -> Npy.read(new java.io.ByteArrayInputStream(g), "s"));
    allocated = mx.getThreadAllocatedBytes(id) - before;
    assertTrue(
        e.getMessage()
            .startsWith("s: truncated: header says [400000000] <f4 (1600000000 bytes), got 64"),
        e.getMessage());
    assertTrue(allocated < 16 << 20, "allocated " + allocated + " bytes");
    // A shape whose byte count overflows a long.
    String m =
        refused(
            dir,
            npy(
                1,
                "{'descr': '<i8', 'fortran_order': False, 'shape': (4611686018427387904, 4), }\n",
                new byte[8]));
    assertTrue(m.contains("too large to exist"), m);
  }

  @Test
  void theHeaderIsAPythonDictWithExactlyThreeKeys(@TempDir Path dir) throws IOException {
    byte[] data = le(1, 2);
    // Either quote style, any key order, tuples with and without a trailing comma, comments.
    String[] ok = {
      "{\"descr\": \"<i4\", \"fortran_order\": False, \"shape\": (2,)}",
      "{'shape': (2,), 'descr': '<' 'i4', 'fortran_order': False}",
      "{'descr': u'\\x3ci4', 'fortran_order': False, 'shape': (1, 2), } # note",
      "{'descr': '<i4',\n 'fortran_order': False,\n 'shape': (2L,)}",
      "{'descr': '<i4', 'fortran_order': False, 'shape': ((2),)}",
    };
    for (String h : ok) {
      assertArrayEquals(data, le(read(dir, npy(1, h + "\n", data)).ints()), h);
    }
    String[][] bad = {
      {
        "{'descr': '<i4', 'descr': '<f4', 'fortran_order': False, 'shape': (2,)}",
        "the key 'descr' appears twice"
      },
      {"{'descr': '<i4', 'fortran_order': False, 'shape': (2,), 'extra': 1}", "(unknown [extra])"},
      {"{'descr': '<i4', 'shape': (2,)}", "(missing [fortran_order])"},
      {
        "{'descr': '<i4', 'fortran_order': 0, 'shape': (2,)}",
        "'fortran_order' is 0, not True or False"
      },
      {"{'descr': '<i4', 'fortran_order': False, 'shape': [2]}", "'shape' is [2], not a tuple"},
      {"{'descr': '<i4', 'fortran_order': False, 'shape': (-2,)}", "has dimension -2 (negative)"},
      {
        "{'descr': '<i4', 'fortran_order': False, 'shape': (True, 2)}", "holds True, not an integer"
      },
      {"{'descr': '<i4', 'fortran_order': False, 'shape': (2.0,)}", "holds 2.0, not an integer"},
      {
        "{'descr': '<f8', 'fortran_order': False, 'shape': (1,)}", "NPY type '<f8' is not supported"
      },
      {"{'descr': [('a', '<i4')], 'fortran_order': False, 'shape': (2,)}", "structured"},
      {"{'descr': '<i4', 'fortran_order': False, 'shape': (2,)} x", "not a Python literal"},
      {"['descr', '<i4']", "not a dict"},
    };
    for (String[] b : bad) {
      String m = refused(dir, npy(1, b[0] + "\n", data));
      assertTrue(m.contains(b[1]), b[0] + " -> " + m);
    }
    // 'L' after an integer is Python 2, accepted in versions 1 and 2 only (as numpy does).
    assertTrue(
        refused(dir, npy(3, "{'descr': '<i4', 'fortran_order': False, 'shape': (2L,)}\n", data))
            .contains("not a number literal"));
  }

  @Test
  void fortranOrderIsTransposedAndBigEndianConverted(@TempDir Path dir) throws IOException {
    // [[1, 2, 3], [4, 5, 6]] stored column by column.
    Tensor t =
        read(
            dir,
            npy(
                1,
                "{'descr': '<i4', 'fortran_order': True, 'shape': (2, 3), }\n",
                le(1, 4, 2, 5, 3, 6)));
    assertEquals(Shape.of(2, 3), t.shape());
    assertArrayEquals(new int[] {1, 2, 3, 4, 5, 6}, t.ints());
    // A 2x2x2 cube: element (i, j, k) = 100i + 10j + k, stored with i fastest.
    int[] f = new int[8];
    int n = 0;
    for (int k = 0; k < 2; k++) {
      for (int j = 0; j < 2; j++) {
        for (int i = 0; i < 2; i++) {
          f[n++] = 100 * i + 10 * j + k;
        }
      }
    }
    t = read(dir, npy(1, "{'descr': '<i4', 'fortran_order': True, 'shape': (2, 2, 2), }\n", le(f)));
    assertArrayEquals(new int[] {0, 1, 10, 11, 100, 101, 110, 111}, t.ints());
    ByteBuffer be = ByteBuffer.allocate(8).order(ByteOrder.BIG_ENDIAN).putFloat(1.5f).putFloat(-2f);
    t =
        read(
            dir, npy(1, "{'descr': '>f4', 'fortran_order': False, 'shape': (2,), }\n", be.array()));
    assertArrayEquals(new float[] {1.5f, -2f}, t.floats());
  }

  @Test
  void dataMustEndWithTheArray(@TempDir Path dir) {
    String m =
        refused(
            dir, npy(1, "{'descr': '<i4', 'fortran_order': False, 'shape': (1,), }\n", le(1, 2)));
    assertTrue(m.contains("data continues after the array"), m);
    m =
        refused(
            dir,
            npy(1, "{'descr': '<i4', 'fortran_order': False, 'shape': (2,), }\n", new byte[6]));
    assertTrue(
        m.contains("truncated: header says [2] <i4 (8 bytes), the file has 6 bytes of data"), m);
    m = refused(dir, new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 1, 0, 0});
    assertTrue(m.contains("NPY format version 1.1 is not one of 1.0, 2.0 and 3.0"), m);
  }

  private static byte[] entry(String name, byte[] data, boolean deflate, ZipOutputStream z)
      throws IOException {
    ZipEntry e = new ZipEntry(name);
    if (!deflate) {
      e.setMethod(ZipEntry.STORED);
      e.setSize(data.length);
      CRC32 crc = new CRC32();
      crc.update(data);
      e.setCrc(crc.getValue());
    }
    z.putNextEntry(e);
    z.write(data);
    z.closeEntry();
    return data;
  }

  private static Path npz(Path dir, String file, boolean deflate, Object... nameAndData)
      throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (ZipOutputStream z = new ZipOutputStream(out)) {
      for (int i = 0; i < nameAndData.length; i += 2) {
        entry((String) nameAndData[i], (byte[]) nameAndData[i + 1], deflate, z);
      }
    }
    return Files.write(dir.resolve(file), out.toByteArray());
  }

  @Test
  void npzArchivesAreReadThroughTheCentralDirectory(@TempDir Path dir) throws IOException {
    byte[] a = npy(1, "{'descr': '<i4', 'fortran_order': False, 'shape': (2,), }\n", le(1, 2));
    byte[] b =
        npy(1, "{'descr': '|u1', 'fortran_order': False, 'shape': (3,), }\n", new byte[] {1, 2, 3});
    Path ok = npz(dir, "ok.npz", false, "a.npy", a, "b.npy", b);
    Map<String, Tensor> m = Npy.readNpz(ok);
    assertEquals(java.util.List.of("a", "b"), java.util.List.copyOf(m.keySet()));
    assertArrayEquals(new int[] {1, 2}, m.get("a").ints());
    // Cut before the central directory: a stream reader would return 'a' and stop.
    byte[] whole = Files.readAllBytes(ok);
    Path cut =
        Files.write(dir.resolve("cut.npz"), java.util.Arrays.copyOf(whole, whole.length - 40));
    IOException e = assertThrows(IOException.class, () -> Npy.readNpz(cut));
    assertTrue(
        e.getMessage().startsWith(cut + ": not a readable NPZ (zip) archive"), e.getMessage());
    // ZipOutputStream refuses to write a name twice: write "c.npy" and rename it in place.
    byte[] three =
        Files.readAllBytes(npz(dir, "three.npz", false, "a.npy", a, "b.npy", b, "c.npy", b));
    String latin = new String(three, StandardCharsets.ISO_8859_1).replace("c.npy", "a.npy");
    Path dup = Files.write(dir.resolve("dup.npz"), latin.getBytes(StandardCharsets.ISO_8859_1));
    e = assertThrows(IOException.class, () -> Npy.readNpz(dup));
    assertTrue(
        e.getMessage().contains("[a.npy]: the archive holds 'a.npy' more than once"),
        e.getMessage());
    Path txt = npz(dir, "txt.npz", true, "a.npy", a, "notes.txt", b);
    e = assertThrows(IOException.class, () -> Npy.readNpz(txt));
    assertEquals(
        txt + "[notes.txt]: not an .npy entry; an NPZ archive holds only NPY arrays",
        e.getMessage());
    Path inner = npz(dir, "inner.npz", true, "a.npy", java.util.Arrays.copyOf(a, a.length - 1));
    e = assertThrows(IOException.class, () -> Npy.readNpz(inner));
    assertTrue(e.getMessage().startsWith(inner + "[a.npy]: truncated"), e.getMessage());
    assertEquals(Map.of(), Npy.readNpz(npz(dir, "empty.npz", true)));
    // A flipped data byte in a stored entry: only the CRC tells.
    whole = Files.readAllBytes(ok);
    int at = indexOf(whole, a) + a.length - 1;
    whole[at] ^= 1;
    Path crc = Files.write(dir.resolve("crc.npz"), whole);
    e = assertThrows(IOException.class, () -> Npy.readNpz(crc));
    assertTrue(e.getMessage().startsWith(crc + "[a.npy]: CRC-32 mismatch"), e.getMessage());
  }

  @Test
  void npzLimitsBoundEntriesAndInflatedBytes(@TempDir Path dir) throws IOException {
    // 4 MiB of zeros deflate to a few KiB.
    byte[] zeros =
        npy(
            1,
            "{'descr': '|u1', 'fortran_order': False, 'shape': (4194304,), }\n",
            new byte[4 << 20]);
    Path bomb = npz(dir, "bomb.npz", true, "z.npy", zeros, "y.npy", zeros);
    assertTrue(Files.size(bomb) < 64 << 10);
    assertEquals(2, Npy.readNpz(bomb).size());
    IOException e =
        assertThrows(
            IOException.class,
            () -> Npy.readAll(bomb, NpzLimits.defaults().maxEntryBytes(1 << 20)));
    assertTrue(
        e.getMessage()
            .startsWith(
                bomb
                    + "[z.npy]: "
                    + zeros.length
                    + " bytes uncompressed; the limits"
                    + " are 1048576 bytes per entry"),
        e.getMessage());
    e =
        assertThrows(
            IOException.class,
            () -> Npy.readAll(bomb, NpzLimits.defaults().maxTotalBytes(6 << 20)));
    assertTrue(e.getMessage().startsWith(bomb + "[y.npy]: "), e.getMessage());
    e =
        assertThrows(
            IOException.class, () -> Npy.readAll(bomb, NpzLimits.defaults().maxEntries(1)));
    assertEquals(
        bomb + ": 2 entries, more than the limit of 1 (NpzLimits.maxEntries)", e.getMessage());
  }

  private static int indexOf(byte[] hay, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= hay.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (hay[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    throw new IllegalStateException("not found");
  }
}
