package io.github.trt4j.internal;

/**
 * Starts the driver layer in a fresh JVM (the driver is started once per process) against the
 * library named by {@code -Dtrt4j.cuda.driver}, then makes a stream when asked ({@code stream}),
 * and prints {@code ok} or the exception's class and message on one line. For FakeDriverTest.
 */
public final class FakeDriverProbe {
  public static void main(String[] args) {
    try {
      Cuda.requireDevice(0);
      if (args.length > 0 && args[0].equals("stream")) {
        try (Cuda.DeviceScope _ = Cuda.onDevice(0)) {
          Cuda.createStream();
        }
      }
      System.out.println("ok " + Cuda.deviceDescription(0));
    } catch (RuntimeException | LinkageError e) {
      System.out.println(e.getClass().getSimpleName() + ": " + e.getMessage());
    }
  }
}
