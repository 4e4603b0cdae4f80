package io.github.trt4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Hardware- and version-compatible plans and plugin options: parsing, defaults, messages. */
class CompatibleBuildsTest {

  @Test
  void hardwareLevelsParseTrtexecsSpelling() {
    assertEquals(HardwareCompatibility.AMPERE_PLUS, HardwareCompatibility.parse("ampere+"));
    assertEquals(
        HardwareCompatibility.SAME_COMPUTE_CAPABILITY,
        HardwareCompatibility.parse("same-compute-capability"));
    assertEquals(HardwareCompatibility.NONE, HardwareCompatibility.parse(" NONE "));
    assertEquals(1, HardwareCompatibility.AMPERE_PLUS.value());
    assertEquals("ampere+", HardwareCompatibility.describe(1));
    assertEquals("level 7", HardwareCompatibility.describe(7));
    var e =
        assertThrows(IllegalArgumentException.class, () -> HardwareCompatibility.parse("hopper+"));
    assertEquals(
        "Hardware compatibility level 'hopper+' is not one of none, ampere+,"
            + " same-compute-capability",
        e.getMessage());
  }

  @Test
  void loadOptionsKeepTheirOldConstructorAndAddPluginsAndHostCode() {
    LoadOptions d = new LoadOptions(1, true);
    assertEquals(List.of(), d.pluginLibraries());
    assertTrue(!d.standardPlugins() && !d.allowHostCode());
    LoadOptions o =
        LoadOptions.defaults()
            .standardPlugins(true)
            .pluginLibraries(Path.of("a.so"))
            .allowHostCode(true)
            .device(2)
            .requireDigest(true);
    assertEquals(new LoadOptions(2, true, true, List.of(Path.of("a.so")), true), o);
  }

  @Test
  void planVersionsCompare() {
    PlanHeader h = new PlanHeader(10, 6, 0, 26, 100);
    assertTrue(h.compareTo(100800) < 0);
    assertEquals(0, h.compareTo(100600));
    assertTrue(h.compareTo(100500) > 0);
  }
}
