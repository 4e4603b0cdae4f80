package io.github.trt4j.kserve;

import org.junit.jupiter.api.Assumptions;

/**
 * The REST tests' fake server is the JDK's {@code com.sun.net.httpserver}, from module {@code
 * jdk.httpserver}; a trimmed runtime (a jlink'd JRE such as the GPU host's) may lack it. There
 * those tests skip with this reason instead of failing to load the class; a full JDK (CI) runs
 * them.
 */
final class HttpServerModule {

  private HttpServerModule() {}

  static final String ABSENT =
      "this Java runtime has no jdk.httpserver module, which the fake KServe REST server needs";

  static boolean present() {
    return ModuleLayer.boot().findModule("jdk.httpserver").isPresent();
  }

  static void assumePresent() {
    Assumptions.assumeTrue(present(), ABSENT);
  }
}
