package io.github.trt4j.gazeml;

import static org.bytedeco.opencv.global.opencv_core.CV_8UC1;

import io.github.trt4j.Tensor;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Map;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.opencv.global.opencv_imgcodecs;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Size;
import org.bytedeco.opencv.opencv_videoio.VideoWriter;

/**
 * The runner's files: {@code results.jsonl} (one line per frame, see {@link FrameResult#toJson}),
 * annotated images ({@code NAME.gazeml.png}) and videos ({@code NAME.gazeml.avi}, Motion-JPEG
 * through OpenCV's videoio); plus the image reading and writing the runner and its tests share.
 * Owns the JSON writer and the current video writer; close() closes them.
 */
public final class GazeMlOutput implements AutoCloseable {

  private final Path dir;
  private final Writer json;
  private VideoWriter video;
  private Path videoFile;

  public GazeMlOutput(Path dir) throws IOException {
    this.dir = dir;
    Files.createDirectories(dir);
    this.json = Files.newBufferedWriter(dir.resolve("results.jsonl"), StandardCharsets.UTF_8);
  }

  public Path dir() {
    return dir;
  }

  public Path jsonFile() {
    return dir.resolve("results.jsonl");
  }

  /** Appends one frame's line. */
  public void result(FrameResult r, String input) throws IOException {
    json.write(r.toJson(input));
    json.write('\n');
  }

  /** Appends a line for an input that could not be processed. */
  public void error(String input, String message) throws IOException {
    json.write(
        "{\"input\":"
            + FrameResult.quote(input)
            + ",\"error\":"
            + FrameResult.quote(message)
            + "}\n");
  }

  /** Appends eye-patch results (no frame geometry). */
  public void patches(java.util.List<EyeResult> eyes, String input) throws IOException {
    for (EyeResult e : eyes) {
      json.write("{\"input\":" + FrameResult.quote(input) + "," + e.toJson().substring(1));
      json.write('\n');
    }
  }

  /** Writes an annotated image as {@code STEM.gazeml.png}. */
  public Path image(Path input, Mat annotated) throws IOException {
    Path file = dir.resolve(stem(input) + ".gazeml.png");
    write(file, annotated);
    return file;
  }

  /** Appends a frame to {@code NAME.gazeml.avi}, opening it on the first frame. */
  public void videoFrame(String name, Mat annotated, double fps) throws IOException {
    if (video == null) {
      videoFile = dir.resolve(name + ".gazeml.avi");
      try (Size size = new Size(annotated.cols(), annotated.rows())) {
        video =
            new VideoWriter(
                videoFile.toString(),
                VideoWriter.fourcc((byte) 'M', (byte) 'J', (byte) 'P', (byte) 'G'),
                fps,
                size,
                true);
      }
      if (!video.isOpened()) {
        throw new IOException("OpenCV cannot write video " + videoFile);
      }
    }
    video.write(annotated);
  }

  /** Closes the current video, if any; returns its file (or null). */
  public Path endVideo() {
    Path f = videoFile;
    if (video != null) {
      video.release();
      video.close();
      video = null;
      videoFile = null;
    }
    return f;
  }

  @Override
  public void close() throws IOException {
    endVideo();
    json.close();
  }

  /** An image as 8-bit BGR (grey, BGRA and 16-bit images converted). The caller owns it. */
  public static Mat readBgr(Path file) throws IOException {
    Mat m = read(file, opencv_imgcodecs.IMREAD_UNCHANGED);
    try {
      return Frames.toBgr8(m);
    } catch (IllegalArgumentException e) {
      throw new IOException("Cannot use image " + file + ": " + e.getMessage(), e);
    } finally {
      m.close();
    }
  }

  static Mat read(Path file, int flags) throws IOException {
    if (!Files.isRegularFile(file)) {
      throw new NoSuchFileException(file.toString(), null, "image not found");
    }
    Mat m = opencv_imgcodecs.imread(file.toString(), flags);
    if (m == null || m.empty()) {
      throw new IOException("OpenCV cannot decode image " + file);
    }
    return m;
  }

  static void write(Path file, Mat img) throws IOException {
    if (!opencv_imgcodecs.imwrite(file.toString(), img)) {
      throw new IOException("OpenCV cannot write " + file);
    }
  }

  static String stem(Path p) {
    return p.getFileName().toString().replaceFirst("\\.[^.]+$", "");
  }

  /** An NPZ entry, or an IOException naming the file and the entries it has. */
  static Tensor entry(Map<String, Tensor> npz, String name, Path file) throws IOException {
    Tensor t = npz.get(name);
    if (t == null) {
      throw new IOException(file + " has no '" + name + "' array; it has " + npz.keySet());
    }
    return t;
  }

  /** A rows×cols 8-bit grey Mat from bytes. The caller owns it. */
  static Mat grayMat(byte[] px, int rows, int cols) {
    Mat m = new Mat(rows, cols, CV_8UC1);
    try (BytePointer p = new BytePointer(px)) {
      Pointer.memcpy(m.data(), p, px.length);
    }
    return m;
  }
}
