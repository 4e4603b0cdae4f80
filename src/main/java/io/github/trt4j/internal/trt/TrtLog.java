package io.github.trt4j.internal.trt;

import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where TensorRT's log lines go: SLF4J logger {@code io.github.trt4j.TensorRT}, with INTERNAL_ERROR
 * and ERROR as error, WARNING as warn, INFO as info and VERBOSE as debug. Error lines logged on a
 * thread inside {@link #capture()} are also collected, so that the exception for a failed call can
 * carry TensorRT's own words. Pure Java: {@link TrtLogger} is the native side.
 */
public final class TrtLog {

  private static final Logger LOG = LoggerFactory.getLogger("io.github.trt4j.TensorRT");
  private static final ThreadLocal<List<String>> CAPTURE = new ThreadLocal<>();
  private static final ThreadLocal<Recent> RECENT = ThreadLocal.withInitial(Recent::new);

  /**
   * The last few error lines TensorRT logged on one thread, always kept, so that the hot path needs
   * no capture scope: it takes a {@link #errorMark()} before a call and, only when the call failed,
   * asks for the lines since.
   */
  private static final class Recent {
    final String[] lines = new String[4];
    long count;

    void add(String msg) {
      lines[(int) (count++ % lines.length)] = msg;
    }
  }

  private TrtLog() {}

  /** Routes one line; {@code level} is {@code nvinfer1::ILogger::Severity}'s value. */
  static void route(int level, String msg) {
    switch (level) {
      case 0, 1 -> {
        LOG.error(msg);
        RECENT.get().add(msg);
        List<String> c = CAPTURE.get();
        if (c != null) {
          c.add(msg);
        }
      }
      case 2 -> LOG.warn(msg);
      case 3 -> LOG.info(msg);
      default -> LOG.debug(msg);
    }
  }

  /** A mark of this thread's error lines so far; allocation-free once the thread has one. */
  public static long errorMark() {
    return RECENT.get().count;
  }

  /**
   * The error lines logged on this thread since {@code mark} (the last few), joined, or {@code
   * fallback} when there were none. For failure paths only.
   */
  public static String errorsSince(long mark, String fallback) {
    Recent r = RECENT.get();
    long from = Math.max(mark, r.count - r.lines.length);
    if (from >= r.count) {
      return fallback;
    }
    StringBuilder b = new StringBuilder();
    for (long i = from; i < r.count; i++) {
      if (b.length() > 0) {
        b.append(" | ");
      }
      b.append(r.lines[(int) (i % r.lines.length)]);
    }
    return b.toString();
  }

  /** Collects the error lines TensorRT logs on this thread until {@link Capture#close()}. */
  public static Capture capture() {
    return new Capture();
  }

  /** A scope collecting TensorRT error lines on the current thread. */
  public static final class Capture implements AutoCloseable {
    private final List<String> previous = CAPTURE.get();
    private final List<String> lines = new ArrayList<>();

    private Capture() {
      CAPTURE.set(lines);
    }

    public List<String> errors() {
      return List.copyOf(lines);
    }

    /** The last few error lines joined, or {@code fallback} when TensorRT said nothing. */
    public String summary(String fallback) {
      if (lines.isEmpty()) {
        return fallback;
      }
      int from = Math.max(0, lines.size() - 3);
      return String.join(" | ", lines.subList(from, lines.size()));
    }

    @Override
    public void close() {
      if (previous == null) {
        CAPTURE.remove();
      } else {
        CAPTURE.set(previous);
        previous.addAll(lines);
      }
    }
  }
}
