package io.github.trt4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@GpuTest
class PlanIntegrityGpuTest {

  @Test
  void builtEnginesCarryADigestThatLoadingChecks(@TempDir Path dir) throws Exception {
    Path built = TestModels.engine("single");
    Path digest = PlanDigest.digestFile(built);
    assertEquals(PlanDigest.sha256(built) + "  single.engine\n", Files.readString(digest));
    try (TrtEngine e = TrtEngine.load(built, LoadOptions.defaults().requireDigest(true))) {
      assertTrue(e.tensors().size() >= 2);
    }
    Path copy = dir.resolve("single.engine");
    byte[] plan = Files.readAllBytes(built);
    plan[plan.length / 2] ^= 0x10;
    Files.write(copy, plan);
    Files.copy(digest, PlanDigest.digestFile(copy));
    EngineLoadException x = assertThrows(EngineLoadException.class, () -> TrtEngine.load(copy));
    assertTrue(x.getMessage().contains("SHA-256 mismatch"), x.getMessage());
  }

  @Test
  void verifyRunsAGoodPlanInAChild(@TempDir Path dir) throws Exception {
    Path copy = Files.copy(TestModels.engine("dynamic"), dir.resolve("dynamic.engine"));
    PlanVerifier.Result r = PlanVerifier.verify(copy, Duration.ofSeconds(120));
    assertEquals(PlanVerifier.Status.OK, r.status(), r + "\n" + r.output());
    // trt4j verify --write-digest on the same plan: VerifyCommandGpuTest (trt4j-cli).
  }
}
