package io.github.trt4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.trt4j.PlanVerifier.Result;
import io.github.trt4j.PlanVerifier.Status;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The child-JVM protocol, with children that end every way a verify child can (no GPU needed). */
class PlanVerifierTest {

  private static Result fake(Duration timeout, String... args) throws Exception {
    return PlanVerifier.run(FakeVerifyChild.class.getName(), List.of(args), timeout);
  }

  @Test
  void verdictsComeBack() throws Exception {
    Result ok = fake(Duration.ofSeconds(60), "ok");
    assertEquals(Status.OK, ok.status(), ok.output());
    Result refused = fake(Duration.ofSeconds(60), "refuse");
    assertEquals(Status.REFUSED, refused.status(), refused.output());
    assertEquals("plan.engine: TensorRT says no", refused.reason());
  }

  @Test
  void deathBySignalIsReportedWithTheSignal() throws Exception {
    Result killed = fake(Duration.ofSeconds(60), "signal", "KILL");
    assertEquals(Status.CRASHED, killed.status(), killed.output());
    assertEquals(9, killed.signal());
    // SIGSEGV sent to a JVM: HotSpot's handler reports it and aborts, or the JVM dies of it.
    Result segv = fake(Duration.ofSeconds(60), "signal", "SEGV");
    assertEquals(Status.CRASHED, segv.status(), segv.output());
    assertTrue(segv.signal() == 11 || segv.signal() == 6, segv + "\n" + segv.output());
    Result abort = fake(Duration.ofSeconds(60), "halt", "134");
    assertEquals(Status.CRASHED, abort.status());
    assertEquals(6, abort.signal());
    assertTrue(abort.toString().contains("SIGABRT"), abort.toString());
    Result plain = fake(Duration.ofSeconds(60), "halt", "1");
    assertEquals(Status.CRASHED, plain.status());
    assertEquals(0, plain.signal());
    assertTrue(plain.reason().startsWith("exited with status 1 without a verdict"), plain.reason());
  }

  @Test
  void aHungChildIsKilledWithItsProcessTree() throws Exception {
    Result hung = fake(Duration.ofSeconds(5), "hang");
    assertEquals(Status.HUNG, hung.status(), hung.output());
    Matcher m = Pattern.compile("grandchild (\\d+)").matcher(hung.output());
    assertTrue(m.find(), hung.output());
    long pid = Long.parseLong(m.group(1));
    // SIGKILL is asynchronous for a process that is not our child: wait for it to be gone.
    for (int i = 0;
        i < 100 && ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
        i++) {
      Thread.sleep(100);
    }
    assertFalse(
        ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false),
        "grandchild " + pid + " alive");
  }

  @Test
  void theRealChildRefusesWhatIsNotAPlan(@TempDir Path dir) throws Exception {
    Path notPlan = Files.writeString(dir.resolve("x.engine"), "this is not a plan at all");
    Result r = PlanVerifier.verify(notPlan, Duration.ofSeconds(120));
    assertEquals(Status.REFUSED, r.status(), r.output());
    assertTrue(r.reason().startsWith(notPlan + ": not a TensorRT plan"), r.reason());
    // A plan-shaped header gets past Java's checks: without a GPU that is UNAVAILABLE, with one
    // TensorRT refuses the zero body.
    Path zeros = Files.write(dir.resolve("z.engine"), PlanHeaderTest.plan(10, 6, 0, 26, 4096));
    Result z = PlanVerifier.verify(zeros, Duration.ofSeconds(120));
    Status expected =
        GpuCondition.unavailableReason() == null ? Status.REFUSED : Status.UNAVAILABLE;
    assertEquals(expected, z.status(), z + "\n" + z.output());
  }
}
