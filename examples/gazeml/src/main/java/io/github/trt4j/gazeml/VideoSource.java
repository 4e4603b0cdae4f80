package io.github.trt4j.gazeml;

import java.io.IOException;
import java.nio.file.Path;
import org.bytedeco.opencv.opencv_core.Mat;

/** Decoded frames of a video or camera, as 8-bit BGR. Owns its decoder; close() releases it. */
public interface VideoSource extends AutoCloseable {

  /**
   * Decodes the next frame into {@code bgr} (reallocated as needed).
   *
   * @return false at the end of the stream
   * @throws IOException when the stream cannot be decoded any further
   */
  boolean read(Mat bgr) throws IOException;

  /** Frames per second as the container states it, or 25 when it does not. */
  double fps();

  /** What is being read, for messages. */
  String name();

  @Override
  void close();

  /**
   * Opens a video file: through FFmpeg (MP4/H.264, MPEG-4, MJPEG, … when bytedeco's FFmpeg is on
   * the class path), else through OpenCV's videoio (Motion-JPEG AVI and image sequences).
   *
   * @throws IOException naming the file and what each decoder said
   */
  static VideoSource open(Path file) throws IOException {
    if (!java.nio.file.Files.isRegularFile(file) && !file.toString().contains("%")) {
      throw new java.nio.file.NoSuchFileException(file.toString(), null, "video not found");
    }
    String ffmpeg;
    if (FfmpegVideo.available()) {
      try {
        return new FfmpegVideo(file);
      } catch (IOException e) {
        ffmpeg = e.getMessage();
      }
    } else {
      ffmpeg = "FFmpeg (org.bytedeco:ffmpeg) is not on the class path";
    }
    try {
      return OpenCvVideo.file(file);
    } catch (IOException e) {
      throw new IOException(
          "Cannot decode " + file + ": " + ffmpeg + "; OpenCV: " + e.getMessage(), e);
    }
  }
}
