package io.github.trt4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.trt4j.internal.ChildJvm;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 16, classes 4 and 5: NPZ archives built to exhaust the heap (deflate bombs, sizes that lie)
 * are read in a child JVM with a 512 MB heap under the default limits; archives built to show
 * different ZIP readers different entries (decoy end records) are refused.
 */
class NpzHostileTest {

  @TempDir Path dir;

  private static final long MIB = 1 << 20;

  private static byte[] npyHead(String descr, long elements) {
    return NpyStrictTest.npy(
        1,
        padded(
            "{'descr': '" + descr + "', 'fortran_order': False, 'shape': (" + elements + ",), }"),
        new byte[0]);
  }

  /** A header padded so that preamble + header is 128 bytes, as NumPy aligns it. */
  private static String padded(String dict) {
    return dict + " ".repeat(128 - 10 - dict.length() - 1) + "\n";
  }

  private Path archive(String name, long declaredSize, ZipBytes.Entry... entries)
      throws IOException {
    Path p = dir.resolve(name + ".npz");
    try (OutputStream out = Files.newOutputStream(p)) {
      ZipBytes.write(out, declaredSize, entries);
    }
    return p;
  }

  @Test
  void bombsStayWithinTheDefaultsInA512MbHeap() throws Exception {
    Map<Path, String> want = new LinkedHashMap<>();
    // 512 MiB of float32 zeros in a 0.5 MiB archive, its size declared honestly: refused unread.
    want.put(
        archive(
            "honest512", -1, ZipBytes.deflatedZeros("x.npy", npyHead("<f4", 128 * MIB), 512 * MIB)),
        "IOException: .*\\[x.npy\\]: 536871040 bytes uncompressed; the limits are 134217728 bytes per entry.*");
    // The same data declaring 1000 bytes: the header's claim exceeds it, refused before allocating.
    want.put(
        archive(
            "lyingSmall",
            1000,
            ZipBytes.deflatedZeros("x.npy", npyHead("<f4", 128 * MIB), 512 * MIB)),
        "IOException: .*\\[x.npy\\]: truncated: header says \\[134217728\\] <f4.*");
    // Declares exactly the limit, inflates to 4 times it: refused when it inflates past.
    want.put(
        archive(
            "lyingAtLimit",
            128 * MIB,
            ZipBytes.deflatedZeros("x.npy", npyHead("<f4", (128 * MIB - 128) / 4), 512 * MIB)),
        "IOException: .*\\[x.npy\\]: inflates past 134217728 bytes.*");
    // The worst type at the limit: float16 is held as floats (twice its bytes), and is read.
    want.put(
        archive(
            "halfAtLimit",
            -1,
            ZipBytes.deflatedZeros("h.npy", npyHead("<f2", 127 * MIB / 2), 127 * MIB)),
        "READ h:HALF\\[66584576\\]");
    // Two entries of 100 MiB: the second is past the 128 MiB total.
    want.put(
        archive(
            "overTotal",
            -1,
            ZipBytes.deflatedZeros("a.npy", npyHead("<f4", 25 * MIB), 100 * MIB),
            ZipBytes.deflatedZeros("b.npy", npyHead("<f4", 25 * MIB), 100 * MIB)),
        "IOException: .*\\[b.npy\\]: 104857728 bytes uncompressed; .*\\(104857728 read so far\\).*");
    // 10 001 empty arrays.
    List<ZipBytes.Entry> many = new ArrayList<>();
    for (int i = 0; i <= 10_000; i++) {
      many.add(ZipBytes.stored("e" + i + ".npy", npyHead("<f4", 0)));
    }
    want.put(
        archive("tooMany", -1, many.toArray(ZipBytes.Entry[]::new)),
        "IOException: .*: 10001 entries, more than the limit of 10000 \\(NpzLimits.maxEntries\\)");
    long small = 0;
    for (Path p : want.keySet()) {
      small = Math.max(small, p.toString().contains("tooMany") ? 0 : Files.size(p));
    }
    assertTrue(small < MIB, "the bombs are small: " + small);

    List<String> args = want.keySet().stream().map(Path::toString).toList();
    ChildJvm.Outcome o =
        ChildJvm.run(
            List.of("-Xmx512m", "-XX:+ExitOnOutOfMemoryError"),
            NpzChild.class.getName(),
            args,
            Duration.ofSeconds(60));
    assertFalse(o.timedOut(), "child still running at 60 s: " + o.stdout());
    assertEquals(
        0,
        o.exitCode(),
        "exit " + o.exitCode() + " (3 = out of memory)\n" + o.stdout() + o.stderr());
    String[] lines = o.stdout().strip().split("\n");
    assertEquals(want.size(), lines.length, o.stdout());
    int i = 0;
    for (Map.Entry<Path, String> w : want.entrySet()) {
      String line = lines[i++];
      assertTrue(line.startsWith(w.getKey() + " -> "), line);
      String outcome =
          line.substring(w.getKey().toString().length() + 4).replaceAll(" \\[\\d+ ms\\]$", "");
      assertTrue(outcome.matches(w.getValue()), w.getKey().getFileName() + ": " + outcome);
    }
    System.out.println(
        "issue16 class 4: "
            + want.size()
            + " NPZ bombs in a 512 MB child heap:\n  "
            + o.stdout().strip().replace(dir + "/", "").replace("\n", "\n  "));
  }

  /** An archive holding a.npy and b.npy with two central directories, one listing each. */
  private Path twoDirectories(String name, boolean decoyEndsFile, byte[] trailing)
      throws IOException {
    ZipBytes.Entry a = ZipBytes.stored("a.npy", npy(1f));
    ZipBytes.Entry b = ZipBytes.stored("b.npy", npy(2f));
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] la = ZipBytes.local(a, a.size());
    out.writeBytes(la);
    out.writeBytes(a.data());
    long bOffset = out.size();
    out.writeBytes(ZipBytes.local(b, b.size()));
    out.writeBytes(b.data());
    long fakeCd = out.size();
    byte[] cenA = ZipBytes.central(a, a.size(), 0);
    out.writeBytes(cenA);
    long realCd = out.size();
    byte[] cenB = ZipBytes.central(b, b.size(), bOffset);
    out.writeBytes(cenB);
    // The decoy sits in the real record's comment; declared without a comment of its own, it
    // ends the file only when nothing follows it.
    byte[] decoy = ZipBytes.end(1, cenA.length, fakeCd, new byte[0], 0);
    byte[] comment =
        decoyEndsFile
            ? decoy
            : concat(decoy, "-- a comment --".getBytes(StandardCharsets.US_ASCII));
    out.writeBytes(ZipBytes.end(1, cenB.length, realCd, comment, comment.length));
    out.writeBytes(trailing);
    Path p = dir.resolve(name + ".npz");
    Files.write(p, out.toByteArray());
    return p;
  }

  private static byte[] npy(float v) {
    return NpyStrictTest.npy(
        1,
        padded("{'descr': '<f4', 'fortran_order': False, 'shape': (1,), }"),
        NpyStrictTest.le(Float.floatToIntBits(v)));
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] c = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, c, a.length, b.length);
    return c;
  }

  @Test
  void theEntriesCheckedAreTheEntriesRead() throws Exception {
    Map<Path, String> refused = new LinkedHashMap<>();
    refused.put(twoDirectories("decoyInComment", false, new byte[0]), "ambiguous end record");
    refused.put(twoDirectories("decoyAndTrailingBytes", true, new byte[7]), "ambiguous end record");
    Path plain = archive("plain", -1, ZipBytes.stored("b.npy", npy(2f)));
    Path trailing = dir.resolve("trailing.npz");
    Files.write(trailing, concat(Files.readAllBytes(plain), new byte[] {'P', 'K', 5, 6, 0, 0}));
    refused.put(trailing, "ambiguous end record");
    Path garbage = dir.resolve("garbage.npz");
    Files.write(garbage, concat(Files.readAllBytes(plain), new byte[40]));
    refused.put(garbage, "");
    // The end record counts one entry; the directory holds two.
    ByteArrayOutputStream miscounted = new ByteArrayOutputStream();
    ZipBytes.Entry e1 = ZipBytes.stored("a.npy", npy(1f));
    ZipBytes.Entry e2 = ZipBytes.stored("b.npy", npy(2f));
    miscounted.writeBytes(ZipBytes.local(e1, e1.size()));
    miscounted.writeBytes(e1.data());
    long off2 = miscounted.size();
    miscounted.writeBytes(ZipBytes.local(e2, e2.size()));
    miscounted.writeBytes(e2.data());
    byte[] cd = concat(ZipBytes.central(e1, e1.size(), 0), ZipBytes.central(e2, e2.size(), off2));
    long cdAt = miscounted.size();
    miscounted.writeBytes(cd);
    miscounted.writeBytes(ZipBytes.end(1, cd.length, cdAt, new byte[0], 0));
    Path count = dir.resolve("miscounted.npz");
    Files.write(count, miscounted.toByteArray());
    refused.put(count, "");
    // A decoy that ends the file: ZipFile and ZipDirectory both take it, find no directory before
    // it, and refuse.
    refused.put(twoDirectories("decoyEndsFile", true, new byte[0]), "");
    for (Map.Entry<Path, String> r : refused.entrySet()) {
      long t0 = System.nanoTime();
      IOException e =
          assertThrows(IOException.class, () -> Npy.readNpz(r.getKey()), r.getKey().toString());
      assertTrue(e.getMessage().startsWith(r.getKey().toString()), e.getMessage());
      assertTrue(e.getMessage().contains(r.getValue()), e.getMessage());
      assertTrue(System.nanoTime() - t0 < 5_000_000_000L);
    }
    System.out.println(
        "issue16 class 5: "
            + refused.size()
            + " ambiguous archives, each refused"
            + " with a named IOException");
  }
}
