package io.github.trt4j.kserve;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class RunnersTest {

  @Test
  void badUrisNameTheFormsThatWork() {
    for (String u :
        new String[] {
          "triton://h:1/m", "grpc://h/m", "http://h:8000/", "http://h:8000/a/b/c", "/x.engine"
        }) {
      var e = assertThrows(IllegalArgumentException.class, () -> Runners.open(u), u);
      assertTrue(e.getMessage().contains("Not a runner URI: '" + u + "'"), e.getMessage());
      assertTrue(e.getMessage().contains("grpc://HOST:PORT/MODEL"), e.getMessage());
    }
    var e =
        assertThrows(IllegalArgumentException.class, () -> Runners.open("engine:/x.engine?gpu=1"));
    assertTrue(e.getMessage().contains("device=N and profile=N"), e.getMessage());
  }

  @Test
  void missingEngineFileIsAnIoError() {
    var e = assertThrows(IOException.class, () -> Runners.open("engine:/no/such/model.engine"));
    assertTrue(
        e.getMessage().contains("/no/such/model.engine") || e instanceof NoSuchFileException,
        e.toString());
  }

  @Test
  void optionsCheckTheirValues() {
    assertThrows(
        IllegalArgumentException.class, () -> KServeOptions.defaults().withTimeout(Duration.ZERO));
    assertThrows(
        IllegalArgumentException.class,
        () -> KServeOptions.defaults().withRetries(0, Duration.ZERO, Duration.ZERO));
    KServeOptions o =
        KServeOptions.defaults().withRetries(5, Duration.ofMillis(100), Duration.ofMillis(350));
    assertTrue(
        o.backoff(1).toMillis() == 100
            && o.backoff(2).toMillis() == 200
            && o.backoff(3).toMillis() == 350
            && o.backoff(4).toMillis() == 350,
        "backoff doubles up to the cap");
  }
}
