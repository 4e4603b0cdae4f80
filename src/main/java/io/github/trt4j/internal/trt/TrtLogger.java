package io.github.trt4j.internal.trt;

import org.bytedeco.tensorrt.nvinfer.ILogger;

/**
 * TensorRT's {@code ILogger}, forwarding every line to {@link TrtLog}. One instance lives for the
 * whole process, since TensorRT requires the logger to outlive every runtime and builder.
 */
public final class TrtLogger extends ILogger {

  private static final class Holder {
    static final TrtLogger INSTANCE = new TrtLogger();
  }

  private TrtLogger() {
    super();
  }

  /** The process-wide logger (loads the natives first). */
  public static TrtLogger get() {
    Natives.load();
    return Holder.INSTANCE;
  }

  @Override
  public void log(ILogger.Severity severity, String msg) {
    TrtLog.route(severity == null ? 1 : severity.value, msg);
  }
}
