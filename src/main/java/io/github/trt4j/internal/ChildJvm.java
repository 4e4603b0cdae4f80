package io.github.trt4j.internal;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs a main class in a child JVM (the same {@code java}, the same class path), so that native
 * code that crashes or hangs there cannot take this process with it. The child's output goes to
 * temporary files (no pipes to drain, so no deadlock), a child still running at the timeout is
 * killed with its whole process tree, and the JDK reports a death by signal N as exit 128 + N.
 */
public final class ChildJvm {

  /**
   * How the child ended.
   *
   * @param exitCode its exit status (128 + N after signal N); -1 when it was killed at the timeout
   * @param timedOut whether it was still running at the timeout
   * @param stdout the end of its standard output
   * @param stderr the end of its standard error
   * @param elapsed how long it ran
   */
  public record Outcome(
      int exitCode, boolean timedOut, String stdout, String stderr, Duration elapsed) {}

  private static final int TAIL_BYTES = 64 * 1024;

  private ChildJvm() {}

  /** The {@code java} launcher of this JVM. */
  public static String javaCommand() {
    return ProcessHandle.current()
        .info()
        .command()
        .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
  }

  /**
   * This JVM's class path: {@code java.class.path}, plus the file URLs of the class loaders that
   * loaded trt4j and the caller's code, since launchers such as JUnit's console or an application
   * server load classes through a URLClassLoader whose entries are not on {@code java.class.path}.
   */
  static String classPath() {
    java.util.LinkedHashSet<String> entries = new java.util.LinkedHashSet<>();
    for (String e : System.getProperty("java.class.path", "").split(java.io.File.pathSeparator)) {
      if (!e.isEmpty()) {
        entries.add(e);
      }
    }
    for (ClassLoader start :
        new ClassLoader[] {
          ChildJvm.class.getClassLoader(), Thread.currentThread().getContextClassLoader()
        }) {
      for (ClassLoader cl = start; cl != null; cl = cl.getParent()) {
        if (cl instanceof java.net.URLClassLoader u) {
          for (java.net.URL url : u.getURLs()) {
            if ("file".equals(url.getProtocol())) {
              try {
                entries.add(Path.of(url.toURI()).toString());
              } catch (java.net.URISyntaxException | IllegalArgumentException ignored) {
                // Not a plain file: the child cannot use it either.
              }
            }
          }
        }
      }
    }
    return String.join(java.io.File.pathSeparator, entries);
  }

  /** The child's command line: JVM options, class path, main class and its arguments. */
  public static List<String> command(String mainClass, List<String> args) {
    return command(List.of(), mainClass, args);
  }

  /**
   * The child's command line, with extra JVM options (e.g. {@code -Xmx256m}) before the class path.
   */
  public static List<String> command(List<String> jvmOptions, String mainClass, List<String> args) {
    List<String> cmd = new ArrayList<>();
    cmd.add(javaCommand());
    cmd.add("--enable-native-access=ALL-UNNAMED");
    cmd.add("--sun-misc-unsafe-memory-access=allow");
    cmd.add("-Xss4m");
    // A crash is the expected outcome here, not an incident: no core file, no hs_err in the cwd.
    cmd.add("-XX:-CreateCoredumpOnCrash");
    cmd.add(
        "-XX:ErrorFile=" + Path.of(System.getProperty("java.io.tmpdir"), "trt4j_hs_err_%p.log"));
    for (String key : System.getProperties().stringPropertyNames()) {
      if (key.startsWith("org.bytedeco.")
          || key.startsWith("trt4j.")
          || key.startsWith("org.slf4j.")
          || key.equals("java.library.path")) {
        cmd.add("-D" + key + "=" + System.getProperty(key));
      }
    }
    cmd.addAll(jvmOptions);
    cmd.add("-cp");
    cmd.add(classPath());
    cmd.add(mainClass);
    cmd.addAll(args);
    return cmd;
  }

  /** Runs {@code mainClass} with {@code args} in a child JVM for at most {@code timeout}. */
  public static Outcome run(String mainClass, List<String> args, Duration timeout)
      throws IOException {
    return run(List.of(), mainClass, args, timeout);
  }

  /**
   * Runs {@code mainClass} with extra JVM options, e.g. a heap bound for a test that must not OOM.
   */
  public static Outcome run(
      List<String> jvmOptions, String mainClass, List<String> args, Duration timeout)
      throws IOException {
    Path dir = Files.createTempDirectory("trt4j-child");
    Path out = dir.resolve("stdout");
    Path err = dir.resolve("stderr");
    long start = System.nanoTime();
    Process p =
        new ProcessBuilder(command(jvmOptions, mainClass, args))
            .redirectOutput(out.toFile())
            .redirectError(err.toFile())
            .start();
    p.getOutputStream().close(); // the child reads nothing
    try {
      boolean done = p.waitFor(timeout.toNanos(), TimeUnit.NANOSECONDS);
      if (!done) {
        killTree(p);
      }
      Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
      return new Outcome(done ? p.exitValue() : -1, !done, tail(out), tail(err), elapsed);
    } catch (InterruptedException e) {
      killTree(p);
      Thread.currentThread().interrupt();
      throw new IOException("Interrupted while waiting for the child JVM", e);
    } finally {
      Files.deleteIfExists(out);
      Files.deleteIfExists(err);
      Files.deleteIfExists(dir);
    }
  }

  /** Kills the child and everything it started, then waits (bounded) for it to be gone. */
  static void killTree(Process p) throws IOException {
    // Take the descendants first: once the child is dead its children are re-parented away.
    List<ProcessHandle> tree = p.descendants().toList();
    p.destroyForcibly();
    tree.forEach(ProcessHandle::destroyForcibly);
    try {
      if (!p.waitFor(30, TimeUnit.SECONDS)) {
        throw new IOException("Child JVM " + p.pid() + " survived SIGKILL for 30 s");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static String tail(Path file) throws IOException {
    try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "r")) {
      long len = f.length();
      int n = (int) Math.min(len, TAIL_BYTES);
      byte[] b = new byte[n];
      f.seek(len - n);
      f.readFully(b);
      return new String(b, StandardCharsets.UTF_8);
    }
  }
}
