package io.github.trt4j.examples.spark;

import org.apache.spark.TaskContext;
import org.apache.spark.resource.ResourceInformation;
import scala.Option;

/**
 * The GPU Spark assigned to the running task: with {@code spark.executor.resource.gpu.amount} and
 * {@code spark.task.resource.gpu.amount} set, each task gets GPU addresses (CUDA ordinals from the
 * discovery script) in {@code TaskContext.resources()}. Without GPU scheduling (local mode, or a
 * cluster that does not schedule GPUs) the fallback is used.
 */
public final class TaskGpu {

  private TaskGpu() {}

  /** The first GPU address of the current task, or {@code fallback} when none was assigned. */
  public static int current(int fallback) {
    TaskContext tc = TaskContext.get();
    if (tc == null) {
      return fallback;
    }
    Option<ResourceInformation> gpu = tc.resources().get("gpu");
    return gpu.isEmpty() ? fallback : parse(gpu.get().addresses(), fallback);
  }

  /**
   * The first address as a CUDA ordinal. Several addresses (a task with more than one GPU) use the
   * first; the engine runs on one device.
   *
   * @throws IllegalArgumentException when an address is not an ordinal (e.g. a UUID discovery
   *     script): set CUDA ordinals in the discovery script
   */
  static int parse(String[] addresses, int fallback) {
    if (addresses == null || addresses.length == 0) {
      return fallback;
    }
    try {
      return Integer.parseInt(addresses[0].trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "GPU address '"
              + addresses[0]
              + "' is not a CUDA device ordinal; make the discovery script report ordinals (0, 1, ...)");
    }
  }
}
