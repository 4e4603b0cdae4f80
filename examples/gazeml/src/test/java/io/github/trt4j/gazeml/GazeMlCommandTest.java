package io.github.trt4j.gazeml;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.trt4j.cli.Main;
import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code trt4j gazeml}: registered with the command line through its CommandProvider. */
class GazeMlCommandTest {

  record Result(int code, String out, String err) {}

  static Result run(String... args) {
    CommandLine cl = Main.commandLine();
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    cl.setOut(new PrintWriter(out));
    cl.setErr(new PrintWriter(err));
    int code = cl.execute(args);
    return new Result(code, out.toString(), err.toString());
  }

  @Test
  void theCommandLineListsGazeml() {
    Result r = run("--help");
    assertEquals(0, r.code);
    assertTrue(r.out.contains("gazeml"), r.out);
    assertTrue(run().err.contains(" or gazeml"), "the missing-command message names it too");
  }

  @Test
  void gazemlNeedsSomethingToDo() {
    Result r = run("gazeml");
    assertEquals(2, r.code);
    assertTrue(r.err.contains("Nothing to do"), r.err);
    Result h = run("gazeml", "--help");
    assertTrue(
        h.out.contains("--eye-patches")
            && h.out.contains("--evaluate")
            && h.out.contains("--video"),
        h.out);
  }

  @Test
  void builderOptionsAreListedAndCheckedBeforeAnythingLoads() {
    Result h = run("gazeml", "--help");
    assertTrue(
        h.out.contains("--builder-optimization-level") && h.out.contains("--[no-]parallel-builds"),
        h.out);
    Result bad = run("gazeml", "--builder-optimization-level", "9", "x.png");
    assertEquals(2, bad.code, bad.err);
    assertTrue(bad.err.contains("--builder-optimization-level must be 0..5; got 9"), bad.err);
    Result neg = run("gazeml", "--builder-optimization-level", "-1", "x.png");
    assertEquals(2, neg.code, neg.err);
  }

  @Test
  void enginesAreBuiltTogetherAtLevelOneUnlessAsked() {
    GazeMlRunner r = new GazeMlRunner();
    new CommandLine(r).parseArgs("x.png");
    assertEquals(1, r.builderLevel);
    assertTrue(r.parallelBuilds);
    new CommandLine(r = new GazeMlRunner())
        .parseArgs("--no-parallel-builds", "--builder-optimization-level", "3", "x.png");
    assertEquals(3, r.builderLevel);
    assertTrue(!r.parallelBuilds);
    new CommandLine(r = new GazeMlRunner()).parseArgs("--parallel-builds", "x.png");
    assertTrue(r.parallelBuilds);
  }
}
