package io.github.trt4j.kserve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonTest {

  @Test
  void parsesWhatServersSend() {
    Object v =
        Json.parse(
            " {\"name\":\"m\\u00e9\\n\",\"shape\":[-1, 3],\"big\":9223372036854775807,"
                + "\"f\":-1.5e-3,\"ok\":true,\"none\":null,\"nested\":{\"a\":[]}} ");
    Map<?, ?> m = (Map<?, ?>) v;
    assertEquals("mé\n", m.get("name"));
    assertEquals(List.of(-1L, 3L), m.get("shape"));
    assertEquals(Long.MAX_VALUE, m.get("big"));
    assertEquals(-1.5e-3, m.get("f"));
    assertEquals(true, m.get("ok"));
    assertTrue(m.containsKey("none") && m.get("none") == null);
    assertEquals(
        List.of("name", "shape", "big", "f", "ok", "none", "nested"), List.copyOf(m.keySet()));
  }

  @Test
  void writesAndReadsBack() {
    String s = Json.write(Map.of("q", "a\"b\\c\u0001", "d", new long[] {1, -2}));
    Map<?, ?> m = (Map<?, ?>) Json.parse(s);
    assertEquals("a\"b\\c\u0001", m.get("q"));
    assertEquals(List.of(1L, -2L), m.get("d"));
    assertThrows(IllegalArgumentException.class, () -> Json.write(Double.NaN));
  }

  @Test
  void malformedTextSaysWhere() {
    for (String bad :
        new String[] {"{", "{\"a\":}", "[1,]", "tru", "{\"a\":1}x", "\"\\q\"", "-", ""}) {
      var e = assertThrows(IllegalArgumentException.class, () -> Json.parse(bad), bad);
      assertTrue(e.getMessage().startsWith("Malformed JSON at offset"), e.getMessage());
    }
    String deep = "[".repeat(100) + "]".repeat(100);
    assertTrue(
        assertThrows(IllegalArgumentException.class, () -> Json.parse(deep))
            .getMessage()
            .contains("nesting"));
  }
}
