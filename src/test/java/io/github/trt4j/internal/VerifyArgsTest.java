package io.github.trt4j.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.github.trt4j.LoadOptions;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The verify child reads back every load option the parent passes. */
class VerifyArgsTest {

  @Test
  void optionsSurviveTheTripToTheChild() {
    LoadOptions o =
        VerifyMain.options(
            new String[] {
              "/p.engine",
              "1",
              "--require-digest",
              "--standard-plugins",
              "--allow-host-code",
              "--plugin=/opt/a.so",
              "--plugin=/opt/b.so"
            });
    assertEquals(
        new LoadOptions(1, true, true, List.of(Path.of("/opt/a.so"), Path.of("/opt/b.so")), true),
        o);
    assertEquals(LoadOptions.defaults().device(2), VerifyMain.options(new String[] {"/p", "2"}));
    assertThrows(
        IllegalArgumentException.class, () -> VerifyMain.options(new String[] {"/p", "0", "--x"}));
  }
}
