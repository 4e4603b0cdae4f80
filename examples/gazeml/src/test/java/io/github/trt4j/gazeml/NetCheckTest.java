package io.github.trt4j.gazeml;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.trt4j.DataType;
import io.github.trt4j.Shape;
import io.github.trt4j.TensorSpec;
import io.github.trt4j.TensorSpec.Direction;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Engines whose bindings do not fit a face network are refused with what was found and needed. */
class NetCheckTest {

  static TensorSpec in(String name, long... dims) {
    return TensorSpec.of(0, name, Direction.INPUT, DataType.FLOAT, Shape.of(dims));
  }

  static TensorSpec out(String name, long... dims) {
    return TensorSpec.of(1, name, Direction.OUTPUT, DataType.FLOAT, Shape.of(dims));
  }

  @Test
  void theDetectorsBindingsAreAccepted() {
    List<TensorSpec> t = List.of(in("image", -1, 3, 416, 416), out("grid", -1, 25, 13, 13));
    assertEquals("image", NetCheck.imageInput("d", t, -1, "x").name());
    assertEquals("grid", NetCheck.output("d", t, new long[] {25, -1, -1}, "x").name());
  }

  @Test
  void theElgModelIsNotALandmarkNet() {
    List<TensorSpec> elg =
        List.of(
            in("eye", 2, 36, 60, 1),
            in("eye_index", 2),
            in("frame_index", 2),
            out("landmarks", 2, 18, 2),
            out("radius", 2, 1),
            out("heatmaps", 2, 36, 60, 18));
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> NetCheck.imageInput("68-point landmark net", elg, 112, LandmarkModel.NEEDS));
    assertTrue(
        e.getMessage()
            .startsWith(
                "Cannot drive this engine as the 68-point landmark net: it has"
                    + " input 'eye' float32 2x36x60x1"),
        e.getMessage());
    assertTrue(e.getMessage().contains("needs one float input [N,3,112,112]"), e.getMessage());
  }

  @Test
  void aLandmarkNetIsNotADetector() {
    List<TensorSpec> lm = List.of(in("face", -1, 3, 112, 112), out("landmarks", -1, 136));
    assertEquals("face", NetCheck.imageInput("d", lm, -1, "x").name()); // any square input...
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                NetCheck.output(
                    "tiny face detector", lm, new long[] {25, -1, -1}, FaceDetector.NEEDS));
    assertTrue(
        e.getMessage().contains("output 'landmarks'")
            && e.getMessage().contains("[N,25,S/32,S/32]"),
        e.getMessage());
  }

  @Test
  void nhwcImagesAreNotTaken() {
    List<TensorSpec> nhwc = List.of(in("image", 1, 416, 416, 3), out("grid", 1, 25, 13, 13));
    assertThrows(IllegalArgumentException.class, () -> NetCheck.imageInput("d", nhwc, 416, "x"));
  }
}
