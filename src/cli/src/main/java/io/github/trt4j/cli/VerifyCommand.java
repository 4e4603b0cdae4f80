package io.github.trt4j.cli;

import io.github.trt4j.PlanDigest;
import io.github.trt4j.PlanVerifier;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
    name = "verify",
    mixinStandardHelpOptions = true,
    description = {
      "Load an engine and run one inference on zero inputs in a child JVM, so that a damaged",
      "plan that crashes or hangs TensorRT cannot take this process down. Prints OK, REFUSED",
      "(with TensorRT's reason), UNAVAILABLE (no GPU), CRASHED (with the signal) or HUNG.",
      "Exit status 0 only for OK."
    })
final class VerifyCommand implements Callable<Integer> {

  @Parameters(index = "0", paramLabel = "ENGINE", description = "Serialized TensorRT engine.")
  Path engine;

  @Option(
      names = "--write-digest",
      description = "When OK, write ENGINE.sha256 (sha256sum format).")
  boolean writeDigest;

  @Option(
      names = "--timeout",
      defaultValue = "120",
      paramLabel = "S",
      description = "Kill the child after S seconds (default: ${DEFAULT-VALUE}).")
  double timeoutSeconds;

  @Option(
      names = "--device",
      defaultValue = "0",
      description = "CUDA device index (default: ${DEFAULT-VALUE}).")
  int device;

  @CommandLine.Mixin PluginOption plugins = new PluginOption();

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    if (!(timeoutSeconds > 0) || timeoutSeconds > 86_400) {
      throw new IllegalArgumentException(
          "--timeout must be between 0 and 86400 seconds; got " + timeoutSeconds);
    }
    PrintWriter out = spec.commandLine().getOut();
    // Hash before and after: the digest must describe the bytes the child actually ran.
    String before = writeDigest ? PlanDigest.sha256(engine) : null;
    PlanVerifier.Result r =
        PlanVerifier.verify(
            engine,
            Duration.ofMillis((long) (timeoutSeconds * 1000)),
            plugins.apply(io.github.trt4j.LoadOptions.defaults().device(device)));
    out.printf("%s: %s (%.1f s)%n", engine, r, r.elapsed().toMillis() / 1000.0);
    if (r.status() == PlanVerifier.Status.OK && writeDigest) {
      String after = PlanDigest.sha256(engine);
      if (!after.equals(before)) {
        throw new java.io.IOException(
            engine + " changed while it was being verified; no digest written");
      }
      PlanDigest.write(engine, after);
      out.println("Wrote " + PlanDigest.digestFile(engine));
    }
    out.flush();
    return r.status() == PlanVerifier.Status.OK ? 0 : 1;
  }
}
