package io.github.trt4j.gazeml;

import static org.bytedeco.opencv.global.opencv_core.CV_8UC3;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.bytedeco.opencv.global.opencv_core;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Scalar;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Decoding the committed clips (scripts/faceapi/make_test_data.py): H.264 MP4 through FFmpeg,
 * Motion-JPEG AVI through FFmpeg and through OpenCV; per-frame mean colours against what the ffmpeg
 * command-line tool decoded (another FFmpeg build, so within 1.5 grey levels).
 */
class VideoSourceTest {

  static final Path DIR = TestResources.path("face");

  static List<double[]> expected(String clip) throws IOException {
    String json = Files.readString(DIR.resolve("clips.json"));
    int at = json.indexOf("\"" + clip + "\"");
    int end = json.indexOf("]\n  ]", at);
    Matcher m =
        Pattern.compile("\\[\\s*([0-9.]+),\\s*([0-9.]+),\\s*([0-9.]+)\\s*\\]")
            .matcher(json.substring(at, end + 5));
    List<double[]> means = new ArrayList<>();
    while (m.find()) {
      means.add(
          new double[] {
            Double.parseDouble(m.group(1)),
            Double.parseDouble(m.group(2)),
            Double.parseDouble(m.group(3))
          });
    }
    return means;
  }

  static void decodesLikeTheFfmpegTool(VideoSource src, String clip) throws Exception {
    List<double[]> want = expected(clip);
    assertEquals(10, want.size());
    int n = 0;
    try (src;
        Mat frame = new Mat()) {
      while (src.read(frame)) {
        assertEquals(CV_8UC3, frame.type());
        assertEquals(128, frame.cols());
        assertEquals(128, frame.rows());
        try (Scalar mean = opencv_core.mean(frame)) {
          for (int c = 0; c < 3; c++) {
            assertEquals(want.get(n)[c], mean.get(c), 1.5, clip + " frame " + n + " channel " + c);
          }
        }
        n++;
      }
      assertFalse(src.read(frame), "stays at the end");
      assertEquals(25, src.fps(), 0.01);
    }
    assertEquals(10, n, clip + " frames");
  }

  @Test
  void ffmpegDecodesH264Mp4() throws Exception {
    assertTrue(FfmpegVideo.available());
    decodesLikeTheFfmpegTool(
        new FfmpegVideo(DIR.resolve("astronaut_pan.mp4")), "astronaut_pan.mp4");
  }

  @Test
  void openPrefersFfmpegAndReadsMotionJpeg() throws Exception {
    VideoSource s = VideoSource.open(DIR.resolve("astronaut_pan.avi"));
    assertTrue(s instanceof FfmpegVideo, s.getClass().toString());
    decodesLikeTheFfmpegTool(s, "astronaut_pan.avi");
  }

  @Test
  void openCvReadsMotionJpegToo() throws Exception {
    decodesLikeTheFfmpegTool(
        OpenCvVideo.file(DIR.resolve("astronaut_pan.avi")), "astronaut_pan.avi");
  }

  @Test
  void aFileThatIsNoVideoGetsBothDecodersReasons(@TempDir Path dir) throws Exception {
    Path junk = dir.resolve("broken.mp4");
    Files.write(junk, "this is not a video".getBytes());
    IOException e = assertThrows(IOException.class, () -> VideoSource.open(junk));
    assertTrue(
        e.getMessage().startsWith("Cannot decode " + junk)
            && e.getMessage().contains("FFmpeg")
            && e.getMessage().contains("OpenCV"),
        e.getMessage());
    assertThrows(
        java.nio.file.NoSuchFileException.class, () -> VideoSource.open(dir.resolve("none.mp4")));
  }

  @Test
  void aTruncatedVideoEndsEarlyOrFailsWithAMessage(@TempDir Path dir) throws Exception {
    byte[] all = Files.readAllBytes(DIR.resolve("astronaut_pan.mp4"));
    Path cut = dir.resolve("cut.mp4");
    Files.write(cut, java.util.Arrays.copyOf(all, all.length * 2 / 3));
    int n = 0;
    try (VideoSource s = VideoSource.open(cut);
        Mat frame = new Mat()) {
      while (s.read(frame)) {
        n++;
      }
    } catch (IOException e) {
      assertTrue(e.getMessage().contains("cut.mp4"), e.getMessage());
    }
    assertTrue(n < 10, n + " frames from a truncated file");
  }
}
