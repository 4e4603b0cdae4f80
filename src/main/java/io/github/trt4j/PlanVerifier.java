package io.github.trt4j;

import io.github.trt4j.internal.ChildJvm;
import io.github.trt4j.internal.VerifyMain;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Checks a plan that has no digest by loading it and running one inference on zero inputs (each
 * dynamic input at its profile-0 opt shape) <b>in a child JVM</b>: a damaged plan can crash or hang
 * inside TensorRT or the CUDA driver, and only a separate process keeps that from taking the caller
 * down. The child is the same {@code java} with the same class path; it is killed, with everything
 * it started, when it outlives the timeout.
 *
 * <pre>{@code
 * PlanVerifier.Result r = PlanVerifier.verify(Path.of("model.engine"), Duration.ofSeconds(60));
 * if (r.status() == PlanVerifier.Status.OK) {
 *   PlanDigest.write(Path.of("model.engine"));
 * }
 * }</pre>
 */
public final class PlanVerifier {

  /** What became of the child. */
  public enum Status {
    /** Loaded and ran one inference. */
    OK,
    /**
     * trt4j or TensorRT refused the plan, or the inference failed; {@link Result#reason()} says
     * why.
     */
    REFUSED,
    /**
     * No GPU, driver or CUDA/TensorRT library in the child: nothing was learnt about the plan (a
     * status of its own, so that a machine without a GPU never reports a plan as bad or good).
     */
    UNAVAILABLE,
    /** The child died: by a signal ({@link Result#signal()}), or without giving a verdict. */
    CRASHED,
    /** The child was still running at the timeout and was killed. */
    HUNG
  }

  /**
   * A verdict.
   *
   * @param status what became of the child
   * @param signal the signal that ended a CRASHED child (11 for SIGSEGV, 6 for SIGABRT); 0 when it
   *     exited without a verdict; -1 for other statuses
   * @param reason why it was REFUSED, UNAVAILABLE or CRASHED; empty for OK
   * @param elapsed how long the child ran
   * @param output the end of the child's output, for diagnosis
   */
  public record Result(Status status, int signal, String reason, Duration elapsed, String output) {
    @Override
    public String toString() {
      return switch (status) {
        case OK -> "OK";
        case HUNG -> "HUNG (killed after " + elapsed.toMillis() / 1000.0 + " s)";
        case CRASHED ->
            "CRASHED"
                + (signal > 0 ? " by signal " + signal + " (" + signalName(signal) + ")" : "")
                + ": "
                + reason;
        default -> status + ": " + reason;
      };
    }
  }

  // HotSpot's fatal error report names the signal that hit native code before it aborts.
  private static final Pattern FATAL = Pattern.compile("#\\s+(SIG[A-Z]+) \\(0x([0-9a-fA-F]+)\\)");

  private PlanVerifier() {}

  /**
   * Verifies {@code plan} on CUDA device 0.
   *
   * @param plan the plan file
   * @param timeout how long the child JVM may take
   * @return the child JVM's verdict
   * @throws IOException if the child JVM cannot be started
   */
  public static Result verify(Path plan, Duration timeout) throws IOException {
    return verify(plan, timeout, 0);
  }

  /**
   * Verifies {@code plan} on CUDA device {@code device}; never throws for what the plan does.
   *
   * @param plan the plan file
   * @param timeout how long the child JVM may take
   * @param device the CUDA device index
   * @return the child JVM's verdict
   * @throws IOException if the child JVM cannot be started
   */
  public static Result verify(Path plan, Duration timeout, int device) throws IOException {
    return verify(plan, timeout, LoadOptions.defaults().device(device));
  }

  /**
   * Verifies {@code plan} loaded with {@code options} (device, plugins, host code) in the child;
   * never throws for what the plan does.
   *
   * @param plan the plan file
   * @param timeout how long the child JVM may take
   * @param options how the child loads the plan (the digest requirement included)
   * @return the child JVM's verdict
   * @throws IOException if the child JVM cannot be started
   */
  public static Result verify(Path plan, Duration timeout, LoadOptions options) throws IOException {
    PlanDigest.requireRegularFile(plan, "engine");
    List<String> args =
        new java.util.ArrayList<>(
            List.of(plan.toAbsolutePath().toString(), Integer.toString(options.device())));
    if (options.requireDigest()) {
      args.add("--require-digest");
    }
    if (options.standardPlugins()) {
      args.add("--standard-plugins");
    }
    if (options.allowHostCode()) {
      args.add("--allow-host-code");
    }
    for (Path p : options.pluginLibraries()) {
      args.add("--plugin=" + p.toAbsolutePath());
    }
    return run(VerifyMain.class.getName(), args, timeout);
  }

  /** Runs any verdict-printing main class in a child JVM and reads its verdict (tests use it). */
  static Result run(String mainClass, List<String> args, Duration timeout) throws IOException {
    if (timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("timeout must be positive; got " + timeout);
    }
    return interpret(ChildJvm.run(mainClass, args, timeout));
  }

  static Result interpret(ChildJvm.Outcome o) {
    String output = o.stdout() + (o.stderr().isEmpty() ? "" : "\n" + o.stderr());
    if (o.timedOut()) {
      return new Result(
          Status.HUNG,
          -1,
          "no verdict within " + o.elapsed().toSeconds() + " s",
          o.elapsed(),
          output);
    }
    String verdict = null;
    for (String line : o.stdout().split("\n")) {
      if (line.startsWith(VerifyMain.PREFIX)) {
        verdict = line.substring(VerifyMain.PREFIX.length()).strip();
      }
    }
    int code = o.exitCode();
    if (verdict != null) {
      if (code == 0 && verdict.equals("OK")) {
        return new Result(Status.OK, -1, "", o.elapsed(), output);
      }
      if (code == VerifyMain.EXIT_REFUSED && verdict.startsWith("REFUSED ")) {
        return new Result(Status.REFUSED, -1, verdict.substring(8), o.elapsed(), output);
      }
      if (code == VerifyMain.EXIT_UNAVAILABLE && verdict.startsWith("UNAVAILABLE ")) {
        return new Result(Status.UNAVAILABLE, -1, verdict.substring(12), o.elapsed(), output);
      }
    }
    Matcher m = FATAL.matcher(output);
    if (m.find()) {
      int sig = Integer.parseInt(m.group(2), 16);
      return new Result(
          Status.CRASHED,
          sig,
          "the JVM's fatal error handler reported " + m.group(1) + " (exit " + code + ")",
          o.elapsed(),
          output);
    }
    if (code > 128 && code < 128 + 65) {
      return new Result(
          Status.CRASHED,
          code - 128,
          "killed by signal " + (code - 128) + " (" + signalName(code - 128) + ")",
          o.elapsed(),
          output);
    }
    return new Result(
        Status.CRASHED,
        0,
        "exited with status "
            + code
            + " without a verdict"
            + (verdict == null ? "" : " (last verdict line: " + verdict + ")")
            + lastLine(o.stderr()),
        o.elapsed(),
        output);
  }

  private static String lastLine(String s) {
    String t = s.strip();
    int nl = t.lastIndexOf('\n');
    String last = nl < 0 ? t : t.substring(nl + 1);
    return last.isEmpty() ? "" : "; stderr ends: " + last;
  }

  /**
   * SIGSEGV for 11 and so on (Linux numbering).
   *
   * @param n a signal number
   * @return its name, e.g. {@code SIGSEGV}, or {@code signal N} when unknown
   */
  public static String signalName(int n) {
    return switch (n) {
      case 1 -> "SIGHUP";
      case 2 -> "SIGINT";
      case 3 -> "SIGQUIT";
      case 4 -> "SIGILL";
      case 5 -> "SIGTRAP";
      case 6 -> "SIGABRT";
      case 7 -> "SIGBUS";
      case 8 -> "SIGFPE";
      case 9 -> "SIGKILL";
      case 11 -> "SIGSEGV";
      case 13 -> "SIGPIPE";
      case 15 -> "SIGTERM";
      default -> "signal " + n;
    };
  }
}
