package io.github.trt4j.probe;

import io.github.trt4j.EngineBuilder;
import io.github.trt4j.Inferer;
import io.github.trt4j.TrtEngine;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;

/** Exploration on a GPU host: plan header bytes, and what TensorRT does with damaged plans. */
public final class PlanProbe {
  public static void main(String[] args) throws Exception {
    Path onnx = Path.of(args[0]);
    byte[] plan = EngineBuilder.fromOnnx(onnx).tf32(false).build();
    System.out.println("plan bytes " + plan.length);
    System.out.println("head " + HexFormat.ofDelimiter(" ").formatHex(plan, 0, 64));
    System.out.println("runtime " + TrtEngine.tensorRtVersion());
    try (TrtEngine e = TrtEngine.load(plan)) {
      System.out.println("header " + e.planHeader());
      System.out.print(e.describe());
      try (Inferer i = e.createInferer()) {
        Path dir = onnx.getParent();
        java.util.Map<String, io.github.trt4j.Tensor> in = new java.util.LinkedHashMap<>();
        for (var t : e.inputs()) {
          String n = t.name().replaceFirst("^__", "");
          in.put(t.name(), io.github.trt4j.Npy.read(dir.resolve("seed.in." + n + ".npy")));
        }
        var out = i.run(in);
        for (var o : out.entrySet()) {
          Path ref = dir.resolve("seed.out." + o.getKey() + ".npy");
          if (Files.exists(ref)) {
            float[] a = o.getValue().toFloats();
            float[] r = io.github.trt4j.Npy.read(ref).toFloats();
            double max = 0;
            for (int k = 0; k < a.length; k++) max = Math.max(max, Math.abs(a[k] - r[k]));
            System.out.println(o.getKey() + " " + o.getValue() + " maxabs " + max);
          } else {
            System.out.println(o.getKey() + " " + o.getValue() + " " + java.util.Arrays.toString(java.util.Arrays.copyOf(o.getValue().toFloats(), 4)));
          }
        }
        long t0 = System.nanoTime();
        for (int k = 0; k < 200; k++) i.run(in);
        System.out.println("200 runs ms " + (System.nanoTime() - t0) / 1e6);
        System.out.println("buffers " + i.deviceBuffers().sizes());
      }
    }
    int[] offsets = {4, 8, 12, 16, 20, 24, 28, 32, 40, 48, 64, 128, plan.length / 4, plan.length / 2, plan.length - 8};
    for (int off : offsets) {
      byte[] b = plan.clone();
      b[off] ^= 0x10;
      try (TrtEngine e = TrtEngine.load(b)) {
        System.out.println("flip@" + off + " loaded");
      } catch (RuntimeException ex) {
        System.out.println("flip@" + off + " " + ex.getClass().getSimpleName() + ": " + ex.getMessage());
      }
    }
    for (int len : new int[] {plan.length / 2, plan.length - 1, 100}) {
      byte[] b = java.util.Arrays.copyOf(plan, len);
      try (TrtEngine e = TrtEngine.load(b)) {
        System.out.println("trunc@" + len + " loaded");
      } catch (RuntimeException ex) {
        System.out.println("trunc@" + len + " " + ex.getClass().getSimpleName() + ": " + ex.getMessage());
      }
    }
    Files.write(Path.of(args[1]), plan);
  }
}
