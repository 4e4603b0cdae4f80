package io.github.trt4j.kserve;

import io.github.trt4j.Shape;
import io.github.trt4j.Tensor;
import java.net.URI;
import java.time.Duration;
import java.util.Map;

/**
 * Runs the REST client against {@link HostileHttpServer}'s gigabyte answers in a heap-bounded child
 * JVM and prints one line per case: the reason and message of the KServeException, or OK. Any other
 * throwable exits 20; an OutOfMemoryError exits 3 (-XX:+ExitOnOutOfMemoryError).
 */
public final class HostileRestChild {

  public static void main(String[] args) throws Exception {
    KServeOptions o =
        KServeOptions.defaults()
            .withTimeout(Duration.ofSeconds(20))
            .withRetries(1, Duration.ZERO, Duration.ZERO);
    Map<String, Tensor> in = Map.of("x", Tensor.ofFloats(Shape.of(1, 4), new float[4]));
    try (HostileHttpServer s = new HostileHttpServer()) {
      s.meta = HostileHttpServer.Meta.HUGE;
      line("metadata HUGE", () -> HttpRunner.connect(URI.create(s.base()), "m", o).close());
      s.meta = HostileHttpServer.Meta.NORMAL;
      try (HttpRunner r = HttpRunner.connect(URI.create(s.base()), "m", o)) {
        for (HostileHttpServer.Infer mode :
            new HostileHttpServer.Infer[] {
              HostileHttpServer.Infer.HUGE_DECLARED, HostileHttpServer.Infer.HUGE_CHUNKED,
              HostileHttpServer.Infer.HUGE_ERROR, HostileHttpServer.Infer.OK
            }) {
          s.infer = mode;
          line("infer " + mode, () -> r.run(in));
        }
      }
    } catch (Throwable t) {
      System.out.println("OTHER: " + t);
      System.exit(20);
    }
    System.exit(0);
  }

  interface Call {
    void run() throws Exception;
  }

  static void line(String what, Call c) throws Exception {
    long t0 = System.nanoTime();
    String outcome;
    try {
      c.run();
      outcome = "OK";
    } catch (KServeException e) {
      outcome = e.reason() + ": " + e.getMessage();
    }
    System.out.println(
        what + " -> " + outcome + " [" + (System.nanoTime() - t0) / 1_000_000 + " ms]");
  }
}
