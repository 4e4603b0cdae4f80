package io.github.trt4j;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

/**
 * Reads NPZ archives with {@link NpzLimits#defaults()} in a heap-bounded child JVM and prints one
 * line per archive: the arrays read or the IOException's message. Any other throwable ends it with
 * exit 20; an OutOfMemoryError with exit 3 (-XX:+ExitOnOutOfMemoryError).
 */
public final class NpzChild {

  public static void main(String[] args) {
    for (String a : args) {
      long t0 = System.nanoTime();
      String outcome;
      try {
        Map<String, Tensor> m = Npy.readNpz(Path.of(a));
        StringBuilder b = new StringBuilder("READ");
        m.forEach(
            (k, v) -> b.append(' ').append(k).append(':').append(v.dataType()).append(v.shape()));
        outcome = b.toString();
        m = null;
      } catch (IOException e) {
        outcome = "IOException: " + e.getMessage();
      } catch (Throwable t) {
        System.out.println(a + " -> OTHER: " + t);
        System.exit(20);
        return;
      }
      System.out.println(
          a + " -> " + outcome + " [" + (System.nanoTime() - t0) / 1_000_000 + " ms]");
    }
    System.exit(0);
  }
}
