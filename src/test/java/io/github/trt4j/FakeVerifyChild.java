package io.github.trt4j;

import io.github.trt4j.internal.VerifyMain;

/**
 * A stand-in for the verify child that ends the ways a real one can: a verdict, a signal, a bare
 * exit status or a hang (with a grandchild process, to check the whole tree is killed).
 */
public final class FakeVerifyChild {

  private FakeVerifyChild() {}

  public static void main(String[] args) throws Exception {
    long pid = ProcessHandle.current().pid();
    switch (args[0]) {
      case "ok" -> {
        System.out.println(VerifyMain.PREFIX + "OK");
        System.out.flush();
        Runtime.getRuntime().halt(0);
      }
      case "refuse" -> {
        System.out.println(VerifyMain.PREFIX + "REFUSED plan.engine: TensorRT says no");
        System.out.flush();
        Runtime.getRuntime().halt(VerifyMain.EXIT_REFUSED);
      }
      case "signal" -> {
        System.out.println("sending SIG" + args[1] + " to " + pid);
        System.out.flush();
        new ProcessBuilder("kill", "-" + args[1], Long.toString(pid)).inheritIO().start().waitFor();
        Thread.sleep(60_000);
        Runtime.getRuntime().halt(99);
      }
      case "halt" -> Runtime.getRuntime().halt(Integer.parseInt(args[1]));
      case "hang" -> {
        Process grandchild = new ProcessBuilder("sleep", "600").start();
        System.out.println("grandchild " + grandchild.pid());
        System.out.flush();
        Thread.sleep(Long.MAX_VALUE);
      }
      default -> throw new IllegalArgumentException(args[0]);
    }
  }
}
