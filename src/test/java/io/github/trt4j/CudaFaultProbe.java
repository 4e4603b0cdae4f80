package io.github.trt4j;

import java.nio.file.Path;
import java.util.Map;

/**
 * A CUDA error in the middle of a run, in a child JVM (the fault is sticky: it spoils the process's
 * CUDA context). Binds seed's {@code __eye} input to a device address nothing owns and runs: the
 * kernel faults on the GPU, and the run must end in a typed error naming the fault, not a crash: a
 * {@link CudaException} when the driver reports it first (a stream sync), or TensorRT's own report
 * through {@code enqueueV3} (a {@link TrtException}), as the H200 run showed. Prints the exception;
 * exit 0 when one of them names the fault, 4 otherwise.
 */
public final class CudaFaultProbe {
  public static void main(String[] args) throws Exception {
    try (TrtEngine e = TrtEngine.load(Path.of(args[0]));
        Inferer i = e.createInferer();
        IoBinding b = i.createBinding()) {
      Map<String, Tensor> in = FastPathGpuTest.inputs("seed");
      in.forEach((k, v) -> b.input(k).copyFrom(v));
      TensorSpec eye = e.tensor("__eye");
      long bytes = eye.dataType().bytesFor(b.shape("__eye").elementCount());
      b.bind(
          "__eye", DeviceTensor.wrap(0, 0x7f0000000000L, bytes, eye.dataType(), b.shape("__eye")));
      try {
        i.run(b);
        i.run(b);
        System.out.println("no error reported");
        System.exit(4);
      } catch (CudaException x) {
        System.out.println("CudaException " + x.statusName() + ": " + x.getMessage());
        System.exit(0);
      } catch (TrtException x) {
        System.out.println(x.getClass().getSimpleName() + ": " + x.getMessage());
        System.exit(x.getMessage().contains("illegal memory access") ? 0 : 4);
      }
    }
  }
}
