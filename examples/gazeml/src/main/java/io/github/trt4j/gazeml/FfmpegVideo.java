package io.github.trt4j.gazeml;

import static org.bytedeco.ffmpeg.global.avcodec.av_packet_alloc;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_free;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_unref;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_alloc_context3;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_find_decoder;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_free_context;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_open2;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_parameters_to_context;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_receive_frame;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_send_packet;
import static org.bytedeco.ffmpeg.global.avformat.av_find_best_stream;
import static org.bytedeco.ffmpeg.global.avformat.av_read_frame;
import static org.bytedeco.ffmpeg.global.avformat.avformat_close_input;
import static org.bytedeco.ffmpeg.global.avformat.avformat_find_stream_info;
import static org.bytedeco.ffmpeg.global.avformat.avformat_open_input;
import static org.bytedeco.ffmpeg.global.avutil.AVERROR_EAGAIN;
import static org.bytedeco.ffmpeg.global.avutil.AVERROR_EOF;
import static org.bytedeco.ffmpeg.global.avutil.AVMEDIA_TYPE_VIDEO;
import static org.bytedeco.ffmpeg.global.avutil.AV_LOG_ERROR;
import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_BGR24;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_alloc;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_free;
import static org.bytedeco.ffmpeg.global.avutil.av_log_set_level;
import static org.bytedeco.ffmpeg.global.avutil.av_strerror;
import static org.bytedeco.ffmpeg.global.swscale.SWS_BILINEAR;
import static org.bytedeco.ffmpeg.global.swscale.sws_freeContext;
import static org.bytedeco.ffmpeg.global.swscale.sws_getCachedContext;
import static org.bytedeco.ffmpeg.global.swscale.sws_scale;
import static org.bytedeco.opencv.global.opencv_core.CV_8UC3;

import java.io.IOException;
import java.nio.file.Path;
import org.bytedeco.ffmpeg.avcodec.AVCodec;
import org.bytedeco.ffmpeg.avcodec.AVCodecContext;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.ffmpeg.avformat.AVFormatContext;
import org.bytedeco.ffmpeg.avformat.AVInputFormat;
import org.bytedeco.ffmpeg.avformat.AVStream;
import org.bytedeco.ffmpeg.avutil.AVDictionary;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.ffmpeg.swscale.SwsContext;
import org.bytedeco.ffmpeg.swscale.SwsFilter;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.javacpp.PointerPointer;
import org.bytedeco.opencv.opencv_core.Mat;

/**
 * Video frames through bytedeco's FFmpeg (avformat demuxes, avcodec decodes with its own threads,
 * swscale converts to BGR24 straight into the Mat). Reads what FFmpeg reads: MP4/H.264, MPEG-4 Part
 * 2 AVI (OpenCV's {@code Megamind.avi}), MJPEG, VP9, … Owns the demuxer, decoder, packet, frame and
 * scaler; not thread-safe; close() releases them.
 */
final class FfmpegVideo implements VideoSource {

  private final String name;
  private AVFormatContext format = new AVFormatContext(null);
  private AVCodecContext codec;
  private AVPacket packet;
  private AVFrame frame;
  private SwsContext sws;
  private final int stream;
  private boolean draining;
  private boolean closed;

  /** Whether bytedeco's FFmpeg classes are on the class path (it is an optional dependency). */
  static boolean available() {
    try {
      Class.forName(
          "org.bytedeco.ffmpeg.global.avformat", false, FfmpegVideo.class.getClassLoader());
      return true;
    } catch (ClassNotFoundException | LinkageError e) {
      return false;
    }
  }

  FfmpegVideo(Path file) throws IOException {
    this.name = file.toString();
    try {
      av_log_set_level(AV_LOG_ERROR);
      check(avformat_open_input(format, name, (AVInputFormat) null, (AVDictionary) null), "open");
      check(avformat_find_stream_info(format, (PointerPointer<?>) null), "read the stream info of");
      stream = av_find_best_stream(format, AVMEDIA_TYPE_VIDEO, -1, -1, (AVCodec) null, 0);
      if (stream < 0) {
        throw new IOException(
            "FFmpeg finds no video stream in " + name + " (" + error(stream) + ")");
      }
      AVStream st = format.streams(stream);
      AVCodec decoder = avcodec_find_decoder(st.codecpar().codec_id());
      if (decoder == null) {
        throw new IOException(
            "FFmpeg has no decoder for codec id " + st.codecpar().codec_id() + " in " + name);
      }
      codec = avcodec_alloc_context3(decoder);
      check(avcodec_parameters_to_context(codec, st.codecpar()), "copy the codec parameters of");
      codec.thread_count(0); // FFmpeg picks the number of decoding threads
      check(avcodec_open2(codec, decoder, (AVDictionary) null), "open the decoder of");
      packet = av_packet_alloc();
      frame = av_frame_alloc();
    } catch (IOException | RuntimeException e) {
      close();
      throw e;
    }
  }

  @Override
  public boolean read(Mat bgr) throws IOException {
    if (closed) {
      throw new IllegalStateException("FfmpegVideo " + name + " is closed");
    }
    while (true) {
      int r = avcodec_receive_frame(codec, frame);
      if (r == 0) {
        convert(bgr);
        return true;
      }
      if (r == AVERROR_EOF()) {
        return false;
      }
      if (r != AVERROR_EAGAIN()) {
        throw new IOException("FFmpeg cannot decode a frame of " + name + ": " + error(r));
      }
      if (draining) {
        return false;
      }
      int got = av_read_frame(format, packet);
      if (got < 0) {
        // End of file (or a broken tail): flush the frames the decoder still holds.
        draining = true;
        avcodec_send_packet(codec, null);
        continue;
      }
      try {
        if (packet.stream_index() == stream) {
          int s = avcodec_send_packet(codec, packet);
          if (s < 0 && s != AVERROR_EAGAIN()) {
            throw new IOException("FFmpeg rejects a packet of " + name + ": " + error(s));
          }
        }
      } finally {
        av_packet_unref(packet);
      }
    }
  }

  private void convert(Mat bgr) throws IOException {
    int w = frame.width();
    int h = frame.height();
    if (w <= 0 || h <= 0) {
      throw new IOException("FFmpeg decoded a frame of size " + w + "x" + h + " from " + name);
    }
    sws =
        sws_getCachedContext(
            sws,
            w,
            h,
            frame.format(),
            w,
            h,
            AV_PIX_FMT_BGR24,
            SWS_BILINEAR,
            (SwsFilter) null,
            (SwsFilter) null,
            (DoublePointer) null);
    if (sws == null) {
      throw new IOException("FFmpeg cannot convert pixel format " + frame.format() + " of " + name);
    }
    bgr.create(h, w, CV_8UC3);
    try (PointerPointer<?> dst = new PointerPointer<>(1).put(0, bgr.data());
        IntPointer dstStride = new IntPointer(1).put(0, (int) bgr.step())) {
      sws_scale(sws, frame.data(), frame.linesize(), 0, h, dst, dstStride);
    }
  }

  @Override
  public double fps() {
    AVStream st = format.streams(stream);
    double f =
        st.avg_frame_rate().den() == 0
            ? 0
            : (double) st.avg_frame_rate().num() / st.avg_frame_rate().den();
    return f > 0 ? f : 25;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    if (sws != null) {
      sws_freeContext(sws);
      sws = null;
    }
    if (frame != null) {
      av_frame_free(frame);
    }
    if (packet != null) {
      av_packet_free(packet);
    }
    if (codec != null) {
      avcodec_free_context(codec);
    }
    if (format != null && !format.isNull()) {
      avformat_close_input(format);
    }
  }

  private void check(int r, String what) throws IOException {
    if (r < 0) {
      throw new IOException("FFmpeg cannot " + what + " " + name + ": " + error(r));
    }
  }

  private static String error(int code) {
    try (BytePointer buf = new BytePointer(256)) {
      av_strerror(code, buf, 256);
      return buf.getString() + " (" + code + ")";
    }
  }
}
