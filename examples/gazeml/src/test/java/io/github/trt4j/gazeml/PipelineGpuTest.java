package io.github.trt4j.gazeml;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.trt4j.GpuTest;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.bytedeco.opencv.global.opencv_core;
import org.bytedeco.opencv.global.opencv_imgcodecs;
import org.bytedeco.opencv.global.opencv_imgproc;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Rect;
import org.bytedeco.opencv.opencv_core.Scalar;
import org.bytedeco.opencv.opencv_core.Size;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The whole runner on the astronaut and on bad input: results, or an empty result saying why. */
@GpuTest
class PipelineGpuTest {

  static final Path ASTRONAUT = FaceNetsGpuTest.ASTRONAUT;

  record Run(int code, String out, String err) {}

  static Run runner(String... args) {
    CommandLine cl = new CommandLine(new GazeMlRunner());
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    cl.setOut(new PrintWriter(out));
    cl.setErr(new PrintWriter(err));
    int code = cl.execute(args);
    System.out.println(out);
    System.out.println(err);
    return new Run(code, out.toString(), err.toString());
  }

  @SuppressWarnings("unchecked")
  static List<Map<String, Object>> lines(Path dir) throws Exception {
    return Files.readAllLines(dir.resolve("results.jsonl")).stream()
        .map(l -> (Map<String, Object>) MiniJson.parse(l))
        .toList();
  }

  @Test
  @SuppressWarnings("unchecked")
  void astronautGetsOneFaceTwoEyesAndAPicture(@TempDir Path out) throws Exception {
    Run r = runner(ASTRONAUT.toString(), "-o", out.toString());
    assertEquals(0, r.code(), r.err());
    assertTrue(Files.size(out.resolve("astronaut.gazeml.png")) > 0);
    Map<String, Object> line = lines(out).get(0);
    assertNull(line.get("nothing_found_by"));
    List<Object> faces = (List<Object>) line.get("faces");
    List<Object> eyes = (List<Object>) line.get("eyes");
    assertEquals(1, faces.size());
    assertEquals(2, eyes.size());
    List<Object> lm = (List<Object>) ((Map<String, Object>) faces.get(0)).get("landmarks");
    for (int k = 0; k < 2; k++) {
      Map<String, Object> eye = (Map<String, Object>) eyes.get(k);
      assertEquals(k == 0 ? "left" : "right", eye.get("eye"));
      // The iris centre lies between that eye's corners (landmarks 36/39 or 42/45, give or take a
      // quarter of the eye's width: ELG was trained on synthetic eyes) and near their line.
      List<Object> iris = (List<Object>) ((List<Object>) eye.get("landmarks")).get(16);
      List<Object> a = (List<Object>) lm.get(k == 0 ? 36 : 42);
      List<Object> b = (List<Object>) lm.get(k == 0 ? 39 : 45);
      double x = (Double) iris.get(0);
      double y = (Double) iris.get(1);
      double ax = (Double) a.get(0);
      double bx = (Double) b.get(0);
      double w = Math.abs(bx - ax);
      double my = ((Double) a.get(1) + (Double) b.get(1)) / 2;
      System.out.printf(
          "eye %d: iris (%.1f, %.1f), corners x %.1f..%.1f, y %.1f%n", k, x, y, ax, bx, my);
      assertTrue(x > Math.min(ax, bx) - w / 4 && x < Math.max(ax, bx) + w / 4, "iris x " + x);
      assertEquals(my, y, w / 2, "iris y");
    }
    assertTrue(r.out().contains("timings:") && r.out().contains("1 with a face"), r.out());
  }

  static void write(Path file, Mat m) {
    assertTrue(opencv_imgcodecs.imwrite(file.toString(), m), file.toString());
  }

  @Test
  @SuppressWarnings("unchecked")
  void badInputGivesEmptyResultsOrMessagesNeverACrash(@TempDir Path dir) throws Exception {
    Path in = dir.resolve("in");
    Files.createDirectories(in);
    Path out = dir.resolve("out");
    try (Mat img = opencv_imgcodecs.imread(ASTRONAUT.toString());
        Scalar black = new Scalar(0.0);
        Mat blank = new Mat(240, 320, opencv_core.CV_8UC3, black);
        Mat tiny = new Mat();
        Mat grey16 = new Mat();
        Mat grey = new Mat();
        Mat border = new Mat(512, 512, opencv_core.CV_8UC3, black);
        Size s = new Size(40, 40);
        Rect from = new Rect(200, 0, 312, 512);
        Rect to = new Rect(0, 0, 312, 512)) {
      write(in.resolve("1_blank.png"), blank);
      opencv_imgproc.resize(img, tiny, s, 0, 0, opencv_imgproc.INTER_AREA);
      write(in.resolve("2_tiny.png"), tiny);
      opencv_imgproc.cvtColor(img, grey, opencv_imgproc.COLOR_BGR2GRAY);
      grey.convertTo(grey16, opencv_core.CV_16U, 257, 0);
      write(in.resolve("3_grey16.png"), grey16);
      // The face cut by the left border (the box starts left of x = 0).
      try (Mat src = new Mat(img, from);
          Mat dst = new Mat(border, to)) {
        src.copyTo(dst);
      }
      write(in.resolve("4_border.png"), border);
    }
    Files.write(in.resolve("5_broken.png"), new byte[] {(byte) 0x89, 'P', 'N', 'G', 0, 0});
    String[] names = {"1_blank.png", "2_tiny.png", "3_grey16.png", "4_border.png", "5_broken.png"};
    String[] args = new String[names.length + 2];
    for (int i = 0; i < names.length; i++) {
      args[i] = in.resolve(names[i]).toString();
    }
    args[names.length] = "-o";
    args[names.length + 1] = out.toString();
    Run r = runner(args);
    assertEquals(1, r.code(), "one input could not be read");
    assertTrue(r.err().contains("5_broken.png") && r.err().contains("cannot decode"), r.err());
    List<Map<String, Object>> lines = lines(out);
    assertEquals(5, lines.size());
    assertEquals("face detector", lines.get(0).get("nothing_found_by"));
    assertTrue(((List<Object>) lines.get(0).get("faces")).isEmpty());
    // A 40x40 face: either no face, or eyes too small to place, or eyes; never a failure.
    assertTrue(lines.get(1).containsKey("nothing_found_by"), lines.get(1).toString());
    assertEquals(1, ((List<Object>) lines.get(2).get("faces")).size(), "16-bit grey astronaut");
    assertEquals(2, ((List<Object>) lines.get(2).get("eyes")).size());
    // Half a face at the left border: a box starting left of x = 0 is clipped, or no face.
    assertTrue(lines.get(3).containsKey("nothing_found_by") && !lines.get(3).containsKey("error"));
    System.out.println(
        "border: " + lines.get(3).get("faces") + " " + lines.get(3).get("nothing_found_by"));
    assertTrue(lines.get(4).containsKey("error"), lines.get(4).toString());
  }

  @Test
  void aVideoThatCannotBeDecodedIsAMessage(@TempDir Path dir) throws Exception {
    Path junk = dir.resolve("junk.mp4");
    Files.write(junk, "no video here".getBytes());
    Run r = runner("--video", junk.toString(), "-o", dir.resolve("out").toString());
    assertNotEquals(0, r.code());
    assertTrue(r.err().contains("Cannot decode") && r.err().contains("junk.mp4"), r.err());
  }

  @Test
  @SuppressWarnings("unchecked")
  void theCommittedClipRunsThroughFfmpeg(@TempDir Path out) throws Exception {
    Run r =
        runner(
            "--video",
            TestResources.path("face", "astronaut_pan.mp4").toString(),
            "-o",
            out.toString());
    assertEquals(0, r.code(), r.err());
    List<Map<String, Object>> lines = lines(out);
    assertEquals(10, lines.size());
    assertTrue(Files.size(out.resolve("astronaut_pan.gazeml.avi")) > 0);
    System.out.println(
        "faces per frame: "
            + lines.stream().map(l -> ((List<Object>) l.get("faces")).size()).toList());
  }

  @Test
  void theWrongOnnxForARoleIsNamed(@TempDir Path dir) throws Exception {
    Path copy = dir.resolve("not_a_detector.onnx");
    Files.copy(GazeMlEngines.LANDMARKS, copy);
    Run r =
        runner(
            "--face-detector",
            copy.toString(),
            ASTRONAUT.toString(),
            "-o",
            dir.resolve("o").toString());
    assertNotEquals(0, r.code());
    assertTrue(
        r.err().contains("not_a_detector.onnx") && r.err().contains("not an input"), r.err());
  }
}
