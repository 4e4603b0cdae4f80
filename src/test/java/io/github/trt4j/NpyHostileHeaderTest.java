package io.github.trt4j;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 16, class 1: NPY headers whose literals repeat something thousands of times (digit runs,
 * underscores, signs, brackets, escapes) must end in an {@link IOException} naming the file, and
 * never in a {@link StackOverflowError}. Each case is parsed on a thread with a 256 KiB stack, so
 * any recursion per repeated character (as Java's regex engine does per repeated group) shows.
 */
class NpyHostileHeaderTest {

  @TempDir Path dir;

  private static final int N = 9_000; // within NumPy's 10 000-character header limit

  private static String header(String shape) {
    return "{'descr': '<f4', 'fortran_order': False, 'shape': " + shape + ", }\n";
  }

  /** Reads {@code bytes} as {@code name} on a small-stack thread; the throwable, or null. */
  private Throwable readOnSmallStack(String name, byte[] bytes, AtomicReference<Tensor> got)
      throws Exception {
    Path p = dir.resolve(name + ".npy");
    Files.write(p, bytes);
    AtomicReference<Throwable> thrown = new AtomicReference<>();
    Thread t =
        new Thread(
            null,
            () -> {
              try {
                got.set(Npy.read(p));
              } catch (Throwable e) {
                thrown.set(e);
              }
            },
            "npy-small-stack",
            256 * 1024);
    t.start();
    t.join(20_000);
    if (t.isAlive()) {
      t.interrupt();
      fail(name + ": still parsing after 20 s");
    }
    return thrown.get();
  }

  @Test
  void longRepetitionsAreNamedIoErrorsNotStackOverflows() throws Exception {
    String digits = "1".repeat(N);
    Map<String, String> shapes = new LinkedHashMap<>();
    shapes.put("hex", "(0x" + "f".repeat(N) + ",)");
    shapes.put("hexUnderscores", "(0x" + "_f".repeat(N / 2) + ",)");
    shapes.put("octal", "(0o" + "7".repeat(N) + ",)");
    shapes.put("binary", "(0b" + "1".repeat(N) + ",)");
    shapes.put("binaryUnderscores", "(0b" + "1_".repeat(N / 2) + "1,)");
    shapes.put("decimal", "(" + digits + ",)");
    shapes.put("decimalZerosPastPythonsLimit", "(" + "0".repeat(4_301) + ",)");
    shapes.put("decimalUnderscores", "(" + "1_".repeat(N / 2) + "1,)");
    shapes.put("decimalTrailingUnderscore", "(" + "1_".repeat(N / 2) + ",)");
    shapes.put("leadingZeros", "(" + "0".repeat(N) + "1,)");
    shapes.put("float", "(" + digits + "." + digits.substring(0, 100) + ",)");
    shapes.put("floatUnderscores", "(1." + "1_".repeat(N / 2) + "1,)");
    shapes.put("exponent", "(1e" + "9".repeat(N) + ",)");
    shapes.put("exponentUnderscores", "(1e+" + "9_".repeat(N / 2) + "9,)");
    shapes.put("badExponent", "(1e" + "+".repeat(N) + ",)");
    shapes.put("dots", "(1" + ".".repeat(N) + ",)");
    shapes.put("longSuffix", "(" + digits.substring(0, 30) + "L" + "L".repeat(N) + ",)");
    shapes.put("signs", "(" + "-".repeat(N) + "1,)");
    shapes.put("spacedSigns", "(" + "- ".repeat(N / 2) + "1,)");
    shapes.put("parens", "(".repeat(N) + "1" + ")".repeat(N));
    shapes.put("lists", "(" + "[".repeat(N / 2) + "]".repeat(N / 2) + ",)");
    shapes.put("dicts", "(" + "{".repeat(N / 2) + "}".repeat(N / 2) + ",)");
    shapes.put("tupleOfMany", "(" + "1,".repeat(N / 2) + ")");
    shapes.put("stringConcat", "(" + "'a' ".repeat(N / 4) + ",)");
    shapes.put("escapes", "('" + "\\x41".repeat(N / 4) + "',)");
    shapes.put("octalEscapes", "('" + "\\101".repeat(N / 4) + "',)");
    shapes.put("comments", "(1,#" + "#".repeat(N) + "\n)");
    shapes.put("lineContinuations", "(1," + "\\\n".repeat(N / 2) + ")");
    shapes.put("identifier", "(" + "a".repeat(N) + ",)");
    shapes.put("unicodeDigits", "(" + "\u0661".repeat(N / 2) + ",)");
    int refused = 0;
    List<String> problems = new ArrayList<>();
    for (Map.Entry<String, String> c : shapes.entrySet()) {
      byte[] bytes = NpyStrictTest.npy(3, header(c.getValue()), new byte[0]);
      long t0 = System.nanoTime();
      Throwable e = readOnSmallStack(c.getKey(), bytes, new AtomicReference<>());
      long ms = (System.nanoTime() - t0) / 1_000_000;
      if (!(e instanceof IOException io)) {
        problems.add(c.getKey() + ": " + e);
      } else if (!io.getMessage().startsWith(dir.resolve(c.getKey() + ".npy").toString())) {
        problems.add(c.getKey() + ": message does not name the file: " + io.getMessage());
      } else if (io.getMessage().length() > 2_000) {
        problems.add(c.getKey() + ": a " + io.getMessage().length() + "-character message");
      } else if (ms > 5_000) {
        problems.add(c.getKey() + ": took " + ms + " ms");
      } else {
        refused++;
      }
    }
    assertTrue(problems.isEmpty(), problems.toString());
    assertEquals(shapes.size(), refused);
    System.out.println(
        "issue16 class 1: " + refused + " hostile NPY headers, each a named IOException");
  }

  @Test
  void longButValidLiteralsAreReadAsNumPyReadsThem() throws Exception {
    Map<String, String> shapes =
        Map.of(
            "hexZeros", "(0x" + "0".repeat(N) + "2,)",
            "binaryZeros", "(0b" + "0_".repeat(N / 2) + "10,)",
            "decimalZeros", "(" + "0".repeat(4_300) + ", 2)",
            "signedParens", "(+(2),)",
            "spaced", "(" + " ".repeat(N) + "2,)");
    for (Map.Entry<String, String> c : shapes.entrySet()) {
      byte[] data = NpyStrictTest.le(Float.floatToIntBits(1.5f), Float.floatToIntBits(-2f));
      byte[] bytes =
          NpyStrictTest.npy(
              3, header(c.getValue()), c.getKey().equals("decimalZeros") ? new byte[0] : data);
      AtomicReference<Tensor> got = new AtomicReference<>();
      Throwable e = readOnSmallStack(c.getKey(), bytes, got);
      if (e != null) {
        throw new AssertionError(c.getKey() + " should be read", e);
      }
      if (c.getKey().equals("decimalZeros")) {
        assertArrayEquals(new long[] {0, 2}, got.get().shape().dims(), c.getKey());
      } else {
        assertArrayEquals(new float[] {1.5f, -2f}, got.get().floats(), c.getKey());
      }
    }
  }
}
