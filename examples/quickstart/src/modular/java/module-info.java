/** The quickstart as a named module: everything it uses is trt4j's public API. */
module io.github.trt4j.examples.quickstart {
  requires io.github.trt4j;
}
