package io.github.trt4j.gazeml;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.github.trt4j.ClassRefs;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * This artifact's classes use only trt4j's exported API: no {@code io.github.trt4j.internal}
 * package and no TensorRT or CUDA glue (OpenCV, FFmpeg and JavaCPP pointers are the sample's own
 * dependencies).
 */
class PublicApiOnlyTest {

  @Test
  void noInternalsAndNoTensorRtGlue() throws Exception {
    Path classes =
        Path.of(GazeMlRunner.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    assertEquals(
        List.of(),
        List.copyOf(
            ClassRefs.nonApiReferences(
                classes,
                List.of("io.github.trt4j.gazeml"),
                p ->
                    p.startsWith("org.bytedeco.opencv")
                        || p.startsWith("org.bytedeco.ffmpeg")
                        || p.startsWith("org.bytedeco.javacpp"))),
        "packages referred to from " + classes);
  }
}
