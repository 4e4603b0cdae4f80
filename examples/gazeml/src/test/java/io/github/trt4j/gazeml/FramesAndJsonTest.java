package io.github.trt4j.gazeml;

import static org.bytedeco.opencv.global.opencv_core.CV_16UC1;
import static org.bytedeco.opencv.global.opencv_core.CV_32FC3;
import static org.bytedeco.opencv.global.opencv_core.CV_8UC2;
import static org.bytedeco.opencv.global.opencv_core.CV_8UC3;
import static org.bytedeco.opencv.global.opencv_core.CV_8UC4;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.bytedeco.javacpp.indexer.UByteIndexer;
import org.bytedeco.opencv.global.opencv_imgcodecs;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Scalar;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Grey, 16-bit, BGRA and float images become 8-bit BGR; the JSON lines say what was found. */
class FramesAndJsonTest {

  static int[] pixel(Mat m, int y, int x) {
    try (UByteIndexer idx = m.createIndexer()) {
      return new int[] {idx.get(y, x, 0), idx.get(y, x, 1), idx.get(y, x, 2)};
    }
  }

  @Test
  void sixteenBitGreyPngIsReadAsEightBitBgr(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("grey16.png");
    try (Scalar v = new Scalar(51400.0);
        Mat m = new Mat(20, 30, CV_16UC1, v)) {
      assertTrue(opencv_imgcodecs.imwrite(file.toString(), m));
    }
    try (Mat bgr = GazeMlOutput.readBgr(file)) {
      assertEquals(CV_8UC3, bgr.type());
      assertEquals(30, bgr.cols());
      assertEquals(51400 / 257, pixel(bgr, 5, 5)[0]);
      assertEquals(pixel(bgr, 5, 5)[0], pixel(bgr, 5, 5)[2]);
    }
  }

  @Test
  void bgraAndFloatImagesAreConverted() {
    try (Scalar c = new Scalar(10, 20, 30, 255);
        Mat bgra = new Mat(4, 4, CV_8UC4, c);
        Mat out = Frames.toBgr8(bgra)) {
      assertEquals(CV_8UC3, out.type());
      assertEquals(
          List.of(10, 20, 30),
          List.of(pixel(out, 1, 1)[0], pixel(out, 1, 1)[1], pixel(out, 1, 1)[2]));
    }
    try (Scalar c = new Scalar(0.0, 0.5, 1.0, 0);
        Mat f = new Mat(4, 4, CV_32FC3, c);
        Mat out = Frames.toBgr8(f)) {
      assertEquals(
          List.of(0, 128, 255),
          List.of(pixel(out, 0, 0)[0], pixel(out, 0, 0)[1], pixel(out, 0, 0)[2]));
    }
  }

  @Test
  void unusableImagesGetAClearMessage(@TempDir Path dir) throws Exception {
    try (Mat two = new Mat(4, 4, CV_8UC2)) {
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> Frames.toBgr8(two));
      assertTrue(e.getMessage().contains("2"), e.getMessage());
    }
    assertThrows(IllegalArgumentException.class, () -> Frames.toBgr8(new Mat()));
    Path junk = dir.resolve("junk.png");
    Files.write(junk, new byte[] {1, 2, 3, 4});
    IOException e = assertThrows(IOException.class, () -> GazeMlOutput.readBgr(junk));
    assertTrue(
        e.getMessage().contains("cannot decode") && e.getMessage().contains("junk.png"),
        e.getMessage());
    assertThrows(
        java.nio.file.NoSuchFileException.class,
        () -> GazeMlOutput.readBgr(dir.resolve("none.png")));
  }

  @Test
  void aFrameWithoutFacesSaysWhichStageFoundNothing() {
    FrameResult r = new FrameResult(7, 640, 480, List.of(), List.of(), "face detector");
    String json = r.toJson("dir/a\"b.png");
    assertEquals(
        "{\"input\":\"dir/a\\\"b.png\",\"frame\":7,\"width\":640,\"height\":480,\"faces\":[],"
            + "\"eyes\":[],\"nothing_found_by\":\"face detector\"}",
        json);
  }

  @Test
  void facesAndEyesAreWrittenOnOneLine() {
    double[] lm = new double[136];
    for (int i = 0; i < lm.length; i++) {
      lm[i] = i * 0.5;
    }
    Face f = new Face(0.97551, 163.25, 75.66, 116.04, 110.98, lm);
    EyeResult e =
        new EyeResult(
            0,
            "left",
            "landmarks",
            new double[] {1, 2, 3, 4},
            new double[36],
            5,
            1,
            2,
            Double.NaN,
            0);
    String json =
        new FrameResult(0, 512, 512, List.of(f), List.of(e), null).toJson("astronaut.png");
    assertFalse(json.contains("\n"));
    assertTrue(
        json.contains(
            "\"faces\":[{\"score\":0.976,\"box\":[163.250,75.660,116.040,110.980],"
                + "\"landmarks\":[[0.000,0.500],[1.000,1.500],"),
        json);
    assertTrue(
        json.contains("\"eyes\":[{\"frame\":0,\"eye\":\"left\",\"source\":\"landmarks\""), json);
    assertTrue(json.contains("\"confidence\":null}"), json);
    assertTrue(json.endsWith("\"nothing_found_by\":null}"), json);
    assertEquals(136, f.landmarks().length);
    assertThrows(IllegalArgumentException.class, () -> f.withLandmarks(new double[4]));
  }

  @Test
  void timingsSummariseEveryStage() {
    Timings t = new Timings();
    t.frames = 2;
    t.framesWithFace = 1;
    t.decodeNs = 2_000_000;
    t.detectNs = 4_000_000;
    t.elgNs = 4_000_000;
    String s = t.summary();
    assertTrue(
        s.contains("decode 1.000 ms")
            && s.contains("detect 2.000 ms")
            && s.contains("ELG 2.000 ms")
            && s.contains("5.00 ms/frame = 200.0 frames/s")
            && s.contains("(1 with a face)"),
        s);
  }
}
